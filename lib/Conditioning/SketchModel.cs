// Chapter 9's second condition, a coarse sketch of the image: the sketch-to-digit model's record and
// its training recipe as one call (chapter 9 shows the loop). The sketch is stacked onto the noisy
// image as a second channel (a UNet with a picture-shaped condition).
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Models;

namespace Workbook.Conditioning;

public sealed record SketchModelConfig(
    int ImageSize = 14,                // MNIST resized to ImageSize x ImageSize (even, 8..32)
    int SketchSize = 7,                // the condition: the image shrunk to SketchSize x SketchSize (1..ImageSize)
    int TimeSteps = 1000,              // T, forward steps of the noise schedule
    string Schedule = "linear",        // "linear" or "cosine"
    int Channels = 32,                 // U-Net feature maps at full resolution (twice that at half)
    int TimeEmbedding = 64,            // length of the sinusoidal step embedding
    int TrainingSteps = 400,           // optimisation steps
    int BatchSize = 128,               // images per step
    double LearningRate = 2e-3,        // Adam's step size
    int Seed = 0)                      // same seed, same thread count: same numbers
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public SketchModelConfig Validate()
    {
        DiffusionConfig.CheckScheduleAndNetwork(ImageSize, TimeSteps, Schedule, Channels, TimeEmbedding);
        Check.InRange(nameof(SketchSize), SketchSize, 1, ImageSize);
        Check.Training(TrainingSteps, BatchSize, LearningRate, nameof(TrainingSteps));
        DiffusionConfig.CheckUNetMemory(nameof(SketchModelConfig), ImageSize, Channels, TimeEmbedding, BatchSize);
        return this;
    }

    /// <summary>The noise schedule these settings describe.</summary>
    public NoiseSchedule CreateSchedule() => NoiseSchedule.Named(Schedule, TimeSteps);
}

public static class SketchModel
{
    /// <summary>A fresh sketch-conditioned U-Net for a config, its weights drawn from the config's seed.</summary>
    public static UNet Build(SketchModelConfig config)
    {
        config.Validate();
        Seeds.Global(config.Seed);
        return new UNet(config.Channels, config.TimeEmbedding, conditionShape: [1, config.SketchSize, config.SketchSize]);
    }

    /// <summary>
    /// Trains <paramref name="net"/> to predict the noise in noised images (in [0, 1], scaled to [-1, 1] here)
    /// given their own sketches, as chapter 9 does.
    /// </summary>
    public static TrainingHistory Train(UNet net, SketchModelConfig config, ImageDataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        config.Validate();
        data.CheckSize(config.ImageSize);
        var schedule = config.CreateSchedule();
        var generator = new Generator((ulong)config.Seed + 1, TorchRuntime.Device);
        var history = Trainer.Fit(optim.Adam(net.parameters(), lr: config.LearningRate), config.TrainingSteps, _ =>
        {
            var (x, _) = data.RandomBatch(config.BatchSize, generator);
            var x0 = x * 2 - 1;
            var example = TrainingExamples.Make(schedule, PredictionTarget.Noise, x0, generator);
            return nn.functional.mse_loss(net.forward(example.Xt, example.T, Sketches.Coarse(x0, config.SketchSize)), example.Target);
        }, progress, cancellation);
        net.eval();
        return history;
    }
}
