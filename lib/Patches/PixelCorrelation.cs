// How related two pixels of the same image are, as a function of how far apart they are: the
// correlation of their grey levels over a set of images, averaged over every pair at that distance.
// The reason chapter 5 scatters the pixels it draws together. Chapter 5.
using static TorchSharp.torch;

namespace Workbook.Patches;

public static class PixelCorrelation
{
    /// <summary>
    /// The correlation of the values of two tensors of one shape, taken as two long lists of numbers: 1 when one
    /// is the other scaled up or down, 0 when they are unrelated. Chapters 6 and 7: a noisy image against its
    /// original, a predicted noise against the real one.
    /// </summary>
    public static double Between(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"the two tensors have shapes ({string.Join(", ", a.shape)}) and ({string.Join(", ", b.shape)}); they must match.");
        using var scope = NewDisposeScope();
        var (x, y) = (a.detach().to(float64).flatten(), b.detach().to(float64).flatten());
        var (cx, cy) = (x - x.mean(), y - y.mean());
        return (cx * cy).sum().item<double>() / Math.Sqrt((cx.square().sum() * cy.square().sum()).item<double>());
    }

    /// <summary>
    /// For images (N, 1, H, W): the mean correlation of two pixels at each distance (the Euclidean distance of
    /// their row and column, rounded to a whole number of pixels: 1, 2, 3, ...), over every pair of pixels that
    /// both vary. Pixels with (almost) no variation have no correlation and are left out, and so are pixels with ink
    /// (a grey above 0) in fewer than <paramref name="inkShare"/> of the images: the rarely touched border of a digit
    /// would otherwise water the averages down with pairs that are almost always both black.
    /// </summary>
    public static (int[] Distances, double[] MeanCorrelation, int[] Pairs) ByDistance(Tensor images, double inkShare = 0)
    {
        Runtime.Check.InRange(nameof(inkShare), inkShare, 0.0, 1.0);
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[0] < 2)
            throw new ArgumentException($"images: expected (N, 1, H, W) with N >= 2; got ({string.Join(", ", images.shape)}).");
        using var scope = NewDisposeScope();
        int h = (int)images.shape[2], w = (int)images.shape[3];
        var x = images.detach().to(CPU).to(float64).flatten(1);                    // (N, P)
        var centred = x - x.mean([0], keepdim: true);
        var std = centred.pow(2).mean([0]).sqrt();                                 // (P)
        var varies = std.gt(1e-3).logical_and(x.gt(0).to(float64).mean([0]).ge(inkShare));
        var correlation = centred.T.matmul(centred) / x.shape[0] / std.outer(std).clamp_min(1e-12);  // (P, P)
        var row = arange(h * w, float64, device: x.device).div(w, rounding_mode: RoundingMode.floor);
        var column = arange(h * w, float64, device: x.device).remainder(w);
        var distance = ((row.unsqueeze(1) - row).pow(2) + (column.unsqueeze(1) - column).pow(2)).sqrt().round();
        var counted = varies.outer(varies).logical_and(distance.gt(0));
        int largest = (int)distance.max().item<double>();
        var distances = new List<int>(); var means = new List<double>(); var pairs = new List<int>();
        for (int d = 1; d <= largest; d++)
        {
            var at = counted.logical_and(distance.eq(d));
            long n = at.sum().item<long>();
            if (n == 0) continue;
            distances.Add(d);
            means.Add(correlation.masked_select(at).mean().item<double>());
            pairs.Add((int)(n / 2));                                                 // each pair appears twice
        }
        return (distances.ToArray(), means.ToArray(), pairs.ToArray());
    }
}
