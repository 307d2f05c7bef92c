// Pixel quantisation: grey values in [0, 1] become K whole-numbered levels (a class label per pixel)
// and back; black-and-white images by threshold or by a Bernoulli draw. Chapter 2 introduces it.
using static TorchSharp.torch;

namespace Workbook.Autoregression;

public static class PixelLevels
{
    /// <summary>Grey values in [0, 1] to levels 0..K-1 (int64), rounding to the nearest level.</summary>
    public static Tensor Quantize(Tensor grey, int levels)
    {
        Runtime.Check.InRange("levels", levels, 2, 256);
        return grey.clamp(0, 1).mul(levels - 1).round().to(ScalarType.Int64);
    }

    /// <summary>Levels 0..K-1 back to grey values: level / (K - 1), so 0 is black and K-1 is full ink.</summary>
    public static Tensor ToGrey(Tensor level, int levels)
    {
        Runtime.Check.InRange("levels", levels, 2, 256);
        return level.to(ScalarType.Float32).div(levels - 1);
    }

    /// <summary>Rounds grey values to the nearest of K levels and returns greys again.</summary>
    public static Tensor Snap(Tensor grey, int levels) => ToGrey(Quantize(grey, levels), levels);

    /// <summary>Black and white by a fixed threshold: 1 where grey &gt; at, else 0. Deterministic.</summary>
    public static Tensor Threshold(Tensor grey, double at = 0.5) => grey.gt(at).to(ScalarType.Float32);

    /// <summary>
    /// Black and white by a coin flip per pixel: 1 with probability equal to its grey value
    /// (the usual "binarized MNIST"). The generator makes the draw reproducible.
    /// </summary>
    public static Tensor Binarize(Tensor grey, Generator generator)
    {
        Runtime.MemoryBudget.CheckShape("PixelLevels.Binarize", grey.shape);   // before rand, which does not report a bad size
        return rand(grey.shape, generator: generator, device: grey.device).lt(grey).to(ScalarType.Float32);
    }
}
