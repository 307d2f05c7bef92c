// Chapter 9's second condition, a sketch of the image (coarse or an outline): the sketch-to-digit model's record, its
// U-Net (the sketch is stacked onto the noisy image as a second channel) and the condition it is
// trained with. Training is the recipe every denoiser shares, DiffusionTraining.Train.
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Models;

namespace Workbook.Conditioning;

public sealed record SketchModelConfig(
    int ImageSize = 14,                // MNIST resized to ImageSize x ImageSize (even, 8..32)
    int SketchSize = 7,                // a coarse sketch: the image shrunk to SketchSize x SketchSize (1..ImageSize)
    int TimeSteps = 1000,              // T, forward steps of the noise schedule
    string Schedule = "linear",        // "linear" or "cosine"
    int Channels = 32,                 // U-Net feature maps at full resolution (twice that at half)
    int TimeEmbedding = 64,            // length of the sinusoidal step embedding
    int TrainingSteps = 400,           // optimisation steps
    int BatchSize = 128,               // images per step
    double LearningRate = 2e-3,        // Adam's step size
    double AverageDecay = 0.999,       // sample from a moving average of the weights (0: the last weights)
    int Seed = 0,                      // same seed, same thread count: same numbers
    string Sketch = "coarse")          // "coarse" (shrunk) or "outline" (the strokes' centre line, full size)
    : IDiffusionTrainingRecord
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public SketchModelConfig Validate()
    {
        DiffusionConfig.CheckScheduleAndNetwork(ImageSize, TimeSteps, Schedule, Channels, TimeEmbedding);
        Check.InRange(nameof(SketchSize), SketchSize, 1, ImageSize);
        Check.OneOf(nameof(Sketch), Sketch, Sketches.Kinds);
        Check.Training(TrainingSteps, BatchSize, LearningRate, nameof(TrainingSteps));
        Check.AverageDecay(AverageDecay);
        DiffusionConfig.CheckUNetMemory(nameof(SketchModelConfig), ImageSize, Channels, TimeEmbedding, BatchSize);
        return this;
    }

    /// <summary>The noise schedule these settings describe.</summary>
    public NoiseSchedule CreateSchedule() => NoiseSchedule.Named(Schedule, TimeSteps);

    /// <summary>The shape of one condition: (1, SketchSize, SketchSize) coarse, (1, ImageSize, ImageSize) outline.</summary>
    public long[] SketchShape() => Sketch == "outline" ? [1, ImageSize, ImageSize] : [1, SketchSize, SketchSize];

    PredictionTarget IDiffusionTrainingRecord.Target => PredictionTarget.Noise;
    void IDiffusionTrainingRecord.ValidateRecord() => Validate();
}

public static class SketchModel
{
    /// <summary>A fresh sketch-conditioned U-Net for a config, its weights drawn from the config's seed.</summary>
    public static UNet Build(SketchModelConfig config)
    {
        config.Validate();
        Seeds.Global(config.Seed);
        return new UNet(config.Channels, config.TimeEmbedding, conditionShape: config.SketchShape());
    }

    /// <summary>The condition of each training image: its own sketch (chapter 9's loop writes it out).</summary>
    public static TrainingCondition Condition(SketchModelConfig config) =>
        (x0, _, _) => Sketches.Of(config.Sketch, x0, config.SketchSize);

    /// <summary>DiffusionTraining.Train with each image's own sketch as its condition.</summary>
    public static TrainingHistory Train(UNet net, SketchModelConfig config, ImageDataset data,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, string? resumeFolder = null) =>
        DiffusionTraining.Train(net, config, data, progress, cancellation, Condition(config), resumeFolder: resumeFolder);
}
