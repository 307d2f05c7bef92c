// Hyperparameters of chapters 3 and 4's fully connected autoregressive models (one network per pixel,
// or one shared network told the position), on small images quantised to K levels.
using Workbook.Runtime;

namespace Workbook.Autoregression;

public sealed record PixelByPixelConfig(
    string Dataset = "digits",   // "digits" (8x8, 17 grey levels), "mnist" or "fashion-mnist"
    int ImageSize = 8,           // images are resized to ImageSize x ImageSize (4..28)
    int Levels = 17,             // K: grey levels per pixel (17 = every level of the 8x8 digits)
    int Hidden = 64,             // hidden units of each network
    int Steps = 1000,            // optimisation steps
    int BatchSize = 128,         // images per step
    double LearningRate = 3e-3,  // Adam's step size
    double WeightDecay = 1e-4,   // AdamW's pull of the weights towards 0 (0 = none); the digits set is small
    int Seed = 0)                // same seed, same thread count: same numbers
{
    public int Pixels => ImageSize * ImageSize;

    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public PixelByPixelConfig Validate()
    {
        Check.OneOf(nameof(Dataset), Dataset, Data.Datasets.Names.ToArray());
        Check.InRange(nameof(ImageSize), ImageSize, 4, 28);
        if (Dataset == "digits" && ImageSize != 8)
            throw new HyperparameterException($"ImageSize = {ImageSize}: the digits dataset is 8x8; use ImageSize = 8 or another dataset.");
        Check.InRange(nameof(Levels), Levels, 2, 256);
        Check.InRange(nameof(Hidden), Hidden, 1, 4096);
        Check.Training(Steps, BatchSize, LearningRate);
        Check.InRange(nameof(WeightDecay), WeightDecay, 0, 1);
        // The per-pixel networks (chapter 4's shared network is smaller): P networks of P -> Hidden -> Levels; an
        // example keeps about 3 (P^2 + P Hidden + P Levels) values (measured at 8x8 and 14x14).
        double p = Pixels;
        MemoryBudget.CheckTraining(nameof(PixelByPixelConfig), p * (p * Hidden + Hidden + (double)Hidden * Levels + Levels),
            3 * (p * p + p * Hidden + p * Levels), BatchSize, $"BatchSize = {BatchSize}, Hidden = {Hidden} or ImageSize = {ImageSize}");
        return this;
    }
}
