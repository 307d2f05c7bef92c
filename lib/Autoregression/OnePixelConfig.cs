// Hyperparameters of chapter 2: a classifier that predicts one pixel's grey level (one of K) from the
// pixels before it in reading order. Change a value with `config with { Levels = 4 }` and rerun.
using Workbook.Runtime;

namespace Workbook.Autoregression;

public sealed record OnePixelConfig(
    string Dataset = "mnist",    // "mnist", "fashion-mnist" or "digits"
    int ImageSize = 14,          // images are resized to ImageSize x ImageSize (4..64)
    int Levels = 8,              // K: grey levels a pixel can take (2..256)
    int Row = 7,                 // the pixel to predict: its row...
    int Column = 7,              // ...and column (0-based); it sees every pixel before it in reading order
    int Hidden = 256,            // width of the predictor's hidden layers
    int Steps = 1000,            // optimisation steps
    int BatchSize = 256,         // images per step
    double LearningRate = 1e-3,  // Adam's step size
    int Seed = 0)                // same seed, same thread count: same numbers
{
    /// <summary>The pixel's index in reading order (row * width + column) = how many pixels it sees.</summary>
    public int Position => Row * ImageSize + Column;

    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public OnePixelConfig Validate()
    {
        Check.OneOf(nameof(Dataset), Dataset, Data.Datasets.Names.ToArray());
        Check.InRange(nameof(ImageSize), ImageSize, 4, 64);
        Check.InRange(nameof(Levels), Levels, 2, 256);
        Check.InRange(nameof(Row), Row, 0, ImageSize - 1);
        Check.InRange(nameof(Column), Column, 0, ImageSize - 1);
        if (Position < 2)
            throw new HyperparameterException($"Row = {Row}, Column = {Column}: this pixel has fewer than two pixels before it in reading order; choose one further down (the chapter needs the pixel before it too).");
        Check.InRange(nameof(Hidden), Hidden, 1, 8192);
        Check.Training(Steps, BatchSize, LearningRate);
        // The chapter's Mlp: Position pixels -> Hidden -> Hidden -> Levels; an example keeps about twice its layers' values (measured).
        MemoryBudget.CheckTraining(nameof(OnePixelConfig), (double)Position * Hidden + (double)Hidden * Hidden + (double)Hidden * Levels,
            2.0 * (Position + 4 * Hidden + Levels), BatchSize, $"BatchSize = {BatchSize}, Hidden = {Hidden} or ImageSize = {ImageSize}");
        return this;
    }
}
