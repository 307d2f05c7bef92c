// Hyperparameters of chapter 1's experiments: a predictor that sees no useful input and must
// output whole images. Change a value with `config with { Steps = 50 }` and rerun.
using Workbook.Runtime;

namespace Workbook.Training;

public sealed record BlurryMeanConfig(
    string Dataset = "mnist",    // "mnist", "fashion-mnist" or "digits"
    int ImageSize = 28,          // images are resized to ImageSize x ImageSize (4..64)
    int Hidden = 256,            // width of the predictor's hidden layers
    int Steps = 300,             // optimisation steps
    int BatchSize = 256,         // images per step
    double LearningRate = 3e-3,  // Adam's step size
    int Seed = 0)                // same seed, same thread count: same numbers
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public BlurryMeanConfig Validate()
    {
        Check.OneOf(nameof(Dataset), Dataset, Data.Datasets.Names.ToArray());
        Check.InRange(nameof(ImageSize), ImageSize, 4, 64);
        Check.InRange(nameof(Hidden), Hidden, 1, 8192);
        Check.Training(Steps, BatchSize, LearningRate);
        // The chapter's Mlp: pixels -> Hidden -> Hidden -> pixels; an example keeps about twice its layers' values (measured).
        int pixels = ImageSize * ImageSize;
        MemoryBudget.CheckTraining(nameof(BlurryMeanConfig), 2.0 * pixels * Hidden + (double)Hidden * Hidden, 2.0 * (2 * pixels + 4 * Hidden), BatchSize,
            $"BatchSize = {BatchSize}, Hidden = {Hidden} or ImageSize = {ImageSize}");
        return this;
    }
}
