// Hyperparameters of chapter 5's any-order model: one network that fills in any set of missing
// pixels of a 14x14 image quantised to a few grey levels. Change one with `config with { ... }`.
using Workbook.Runtime;

namespace Workbook.Patches;

public sealed record AnyOrderModelConfig(
    int ImageSize = 14,          // images are resized to ImageSize x ImageSize (4..28)
    int Levels = 4,              // grey levels per pixel: the classes the model predicts (2..16)
    int Hidden = 512,            // width of the network's two hidden layers
    int Steps = 2500,            // optimisation steps
    int BatchSize = 128,         // images per step
    double LearningRate = 2e-3,  // Adam's step size
    double RandomShare = 0.5,    // share of training masks that are random subsets (the rest: raster-patch prefixes)
    int Seed = 0)                // same seed, same thread count: same numbers
{
    /// <summary>Patch sizes whose raster prefixes appear among the training masks.</summary>
    public static readonly IReadOnlyList<int> TrainingPatchSizes = [1, 2, 4, 7];

    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public AnyOrderModelConfig Validate()
    {
        Check.InRange(nameof(ImageSize), ImageSize, 4, 28);
        Check.InRange(nameof(Levels), Levels, 2, 16);
        Check.InRange(nameof(Hidden), Hidden, 1, 8192);
        Check.Training(Steps, BatchSize, LearningRate);
        Check.InRange(nameof(RandomShare), RandomShare, 0.0, 1.0);
        // AnyOrderModel: inputs -> Hidden -> Hidden -> outputs; an example keeps about 2 (inputs + 2 outputs + 4 Hidden) values (measured).
        double pixels = ImageSize * ImageSize, inputs = pixels * (Levels + 1) + 1, outputs = pixels * Levels;
        MemoryBudget.CheckTraining(nameof(AnyOrderModelConfig), inputs * Hidden + (double)Hidden * Hidden + outputs * Hidden,
            2 * (inputs + 2 * outputs + 4.0 * Hidden), BatchSize, $"BatchSize = {BatchSize}, Hidden = {Hidden} or ImageSize = {ImageSize}");
        return this;
    }
}
