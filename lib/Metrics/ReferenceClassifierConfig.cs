// Hyperparameters of the reference classifier that judges generated samples (chapter 5 and later).
// The shipped checkpoint was trained with the defaults; change a value and train your own.
using Workbook.Runtime;

namespace Workbook.Metrics;

public sealed record ReferenceClassifierConfig(
    string Dataset = "mnist",    // the dataset it learns to classify: "mnist", "fashion-mnist" or "digits"
    int ImageSize = 14,          // images are resized to ImageSize x ImageSize (8..64)
    int Channels1 = 16,          // feature maps of the first convolution
    int Channels2 = 32,          // feature maps of the second convolution
    int Features = 64,           // width of the penultimate layer: the space the Fréchet distance is measured in
    int Steps = 1500,            // optimisation steps
    int BatchSize = 128,         // images per step
    double LearningRate = 2e-3,  // Adam's step size
    int Seed = 0)                // same seed, same thread count: same weights
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public ReferenceClassifierConfig Validate()
    {
        Check.OneOf(nameof(Dataset), Dataset, Data.Datasets.Names.ToArray());
        Check.InRange(nameof(ImageSize), ImageSize, 8, 64);
        Check.InRange(nameof(Channels1), Channels1, 1, 512);
        Check.InRange(nameof(Channels2), Channels2, 1, 512);
        Check.InRange(nameof(Features), Features, 2, 1024);
        Check.Training(Steps, BatchSize, LearningRate);
        // Two 3x3 convolutions and two linear layers; an image keeps about 3 (Channels1 + Channels2) x pixels values (measured at 14x14).
        double weights = 9.0 * Channels1 + 9.0 * Channels1 * Channels2 + 9.0 * Channels2 * Features + 10.0 * Features;
        MemoryBudget.CheckTraining(nameof(ReferenceClassifierConfig), weights, 3.0 * (Channels1 + Channels2) * ImageSize * ImageSize, BatchSize,
            $"BatchSize = {BatchSize}, Channels1 = {Channels1}, Channels2 = {Channels2} or ImageSize = {ImageSize}");
        return this;
    }

    /// <summary>A short name for files: "mnist14".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => $"{Dataset}{ImageSize}";
}
