// Hyperparameters of chapter 4's causal model, a small PixelCNN trained on every pixel of every image
// in one forward pass.
using Workbook.Runtime;

namespace Workbook.Autoregression;

public sealed record PixelCnnConfig(
    string Dataset = "mnist",    // "mnist", "fashion-mnist" or "digits"
    int ImageSize = 14,          // images are resized to ImageSize x ImageSize (4..64)
    int Levels = 4,              // K: grey levels per pixel
    int Channels = 32,           // feature maps per layer
    int Layers = 4,              // mask-B layers after the first (mask-A) layer
    int FirstKernel = 7,         // kernel size of the mask-A layer (odd)
    int Steps = 420,             // optimisation steps
    int BatchSize = 64,          // images per step (each gives ImageSize^2 training examples)
    double LearningRate = 3e-3,  // Adam's step size
    int Seed = 0)                // same seed, same thread count: same numbers
{
    public int Pixels => ImageSize * ImageSize;

    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public PixelCnnConfig Validate()
    {
        Check.OneOf(nameof(Dataset), Dataset, Data.Datasets.Names.ToArray());
        Check.InRange(nameof(ImageSize), ImageSize, 4, 64);
        Check.InRange(nameof(Levels), Levels, 2, 256);
        Check.InRange(nameof(Channels), Channels, 1, 1024);
        Check.InRange(nameof(Layers), Layers, 0, 32);
        Check.MaskedKernel(nameof(FirstKernel), FirstKernel);
        Check.Training(Steps, BatchSize, LearningRate);
        // Masked convolutions of Channels maps; an image keeps about 6 x Channels x pixels values per layer (measured at 14x14).
        double weights = (double)Channels * FirstKernel * FirstKernel + 9.0 * Layers * Channels * Channels + (double)Channels * (Channels + Levels);
        MemoryBudget.CheckTraining(nameof(PixelCnnConfig), weights, 6.0 * Channels * Pixels * (Layers + 3), BatchSize,
            $"BatchSize = {BatchSize}, Channels = {Channels}, Layers = {Layers} or ImageSize = {ImageSize}");
        return this;
    }
}
