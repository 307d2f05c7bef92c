// How different a set of samples is from itself: the mean distance between every two of them.
// Zero when all samples are the same picture. Chapter 10 (guidance trades it for prompt match).
using static TorchSharp.torch;

namespace Workbook.Metrics;

public static class Diversity
{
    /// <summary>
    /// Mean Euclidean distance over all pairs of images (N, ...) with N ≥ 2, each image flattened to a
    /// vector, divided by sqrt(pixels) so the number reads as a typical per-pixel difference.
    /// </summary>
    public static double MeanPairwiseDistance(Tensor images)
    {
        long n = images.shape[0];
        if (n < 2) throw new ArgumentException($"diversity needs at least 2 images; got {n}.");
        using var scope = NewDisposeScope();
        var x = images.detach().flatten(1).to(float64);                 // (N, P)
        var distances = cdist(x, x);                                    // (N, N), zero diagonal
        double mean = distances.sum().item<double>() / (n * (n - 1));
        return mean / Math.Sqrt(x.shape[1]);
    }
}
