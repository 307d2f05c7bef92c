// A condition that is not text: a coarse sketch of the image, made by shrinking it to a few pixels a
// side. A model conditioned on sketches draws images that fit them. Chapter 09.
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public static class Sketches
{
    /// <summary>Images (B, C, H, W) shrunk to (B, C, size, size) by averaging blocks of pixels.</summary>
    public static Tensor Coarse(Tensor images, int size = 7)
    {
        Runtime.Check.InRange(nameof(size), size, 1, (int)Math.Min(images.shape[2], images.shape[3]));
        return nn.functional.interpolate(images, [size, size], mode: InterpolationMode.Area);
    }
}
