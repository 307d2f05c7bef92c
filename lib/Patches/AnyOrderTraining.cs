// The any-order model's training recipe as one call (chapter 5 shows it step by step): each step
// hides a random set of pixels (raster-patch prefixes or random subsets) and scores the predictions
// at the hidden ones; the step size follows a cosine schedule. Used where a later chapter needs the model.
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Autoregression;

namespace Workbook.Patches;

public static class AnyOrderTraining
{
    /// <summary>A fresh model for a config, its weights drawn from the config's seed.</summary>
    public static AnyOrderModel Build(AnyOrderModelConfig config)
    {
        Runtime.Seeds.Global(config.Seed);
        return new AnyOrderModel(config.Validate());
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="levels"/> (N, 1, H, W) level indices, as chapter 5 does.</summary>
    public static TrainingHistory Train(AnyOrderModel model, Tensor levels, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var config = model.Config.Validate();
        int size = config.ImageSize;
        if (levels.dtype != int64 || levels.dim() != 4 || levels.shape[1] != 1 || levels.shape[2] != size || levels.shape[3] != size || levels.shape[0] == 0)
            throw new ArgumentException($"levels of shape ({string.Join(", ", levels.shape)}) and type {levels.dtype}; the model's record asks for int64 level indices of shape (N, 1, {size}, {size}) with N at least 1 (PixelLevels.Quantize).");
        if (levels.min().item<long>() < 0 || levels.max().item<long>() >= config.Levels)
            throw new ArgumentException($"levels run from {levels.min().item<long>()} to {levels.max().item<long>()}; the model's record has Levels = {config.Levels}, so they must lie in 0..{config.Levels - 1} (PixelLevels.Quantize(images, {config.Levels})).");
        var generator = new Generator((ulong)config.Seed + 1, Runtime.TorchRuntime.Device);
        var optimizer = optim.Adam(model.parameters(), lr: config.LearningRate);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, config.Steps, eta_min: 1e-5);
        return Trainer.Fit(optimizer, config.Steps, _ =>
        {
            schedule.step();
            var index = randint(0, levels.shape[0], [config.BatchSize], generator: generator, device: levels.device);
            var visible = PixelOrders.TrainingMasks(config.BatchSize, size, size, AnyOrderModelConfig.TrainingPatchSizes, config.RandomShare, generator);
            return model.Loss(levels.index_select(0, index), visible);
        }, progress, cancellation);
    }
}
