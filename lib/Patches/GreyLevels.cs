// Images as a few grey levels: the pixel values the patch models of chapter 5 predict as classes.
// Level l of L stands for the grey value l / (L - 1): 0 is background, L - 1 full ink.
using static TorchSharp.torch;

namespace Workbook.Patches;

public static class GreyLevels
{
    /// <summary>Rounds images (N, 1, H, W) in [0, 1] to the nearest of <paramref name="levels"/> grey levels: level indices as int64.</summary>
    public static Tensor Quantise(Tensor images, int levels)
    {
        Runtime.Check.InRange(nameof(levels), levels, 2, 256);
        return images.clamp(0, 1).mul(levels - 1).round().to(int64);
    }

    /// <summary>Level indices back to grey values in [0, 1] (float32), same shape.</summary>
    public static Tensor ToImages(Tensor levelIndices, int levels) => levelIndices.to(float32).div(levels - 1);
}
