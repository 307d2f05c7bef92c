// The denoising model's training recipe as one call (chapter 7 shows it step by step): each step
// noises a batch to random steps and fits the network's output to the config's prediction target.
// Used where a later chapter needs a trained diffusion model.
using Workbook.Data;
using Workbook.Models;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Diffusion;

public static class DiffusionTraining
{
    /// <summary>A fresh U-Net for a config, its weights drawn from the config's seed.</summary>
    public static UNet Build(DiffusionConfig config)
    {
        Runtime.Seeds.Global(config.Seed);
        return new UNet(config.Validate().Channels, config.TimeEmbedding);
    }

    /// <summary>
    /// Trains <paramref name="net"/> on images in [0, 1] (scaled to [-1, 1] here), as chapter 7 does, and
    /// leaves the moving average of its weights in it (unless the config's AverageDecay is 0).
    /// </summary>
    public static TrainingHistory Train(UNet net, DiffusionConfig config, ImageDataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        config.Validate();
        data.CheckSize(config.ImageSize);
        var schedule = config.CreateSchedule();
        var generator = new Generator((ulong)config.Seed + 1, Runtime.TorchRuntime.Device);
        var optimizer = optim.Adam(net.parameters(), lr: config.LearningRate);
        var average = new WeightAverage(net, config.AverageDecay);   // AverageDecay = 0: the average is just the last weights
        var history = Trainer.Fit(optimizer, config.TrainingSteps, _ =>
        {
            var (batch, _) = data.RandomBatch(config.BatchSize, generator);
            var example = TrainingExamples.Make(schedule, config.Target, batch * 2 - 1, generator);
            return nn.functional.mse_loss(net.forward(example.Xt, example.T), example.Target);
        }, progress, cancellation, afterStep: average.Update);
        average.CopyToModel();
        return history;
    }
}
