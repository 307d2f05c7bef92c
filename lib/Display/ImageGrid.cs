// Turns a batch of image tensors into one PNG grid, upscaled with nearest-neighbour so every
// pixel stays a crisp square on a projector. Chapter 1.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Workbook.Display;

public static class ImageGrid
{
    /// <summary>
    /// Lays out images (N, 1, H, W), (N, H, W) or a single (H, W) in a grid of <paramref name="columns"/>,
    /// each pixel drawn as a scale x scale square. Values from <paramref name="low"/> (black) to
    /// <paramref name="high"/> (white) are mapped to grey levels; values outside are clipped.
    /// </summary>
    public static PngImage From(Tensor images, int columns = 8, int scale = 4, double low = 0, double high = 1, int padding = 1)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1.");
        if (scale is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be 1 to 64.");
        if (!(high > low)) throw new ArgumentException($"high ({high}) must be greater than low ({low}).");

        using var scope = NewDisposeScope();
        var x = images.detach().to(CPU).to(float32);
        x = x.dim() switch
        {
            2 => x.unsqueeze(0),                    // (1, H, W)
            3 => x,                                 // (N, H, W)
            4 when x.shape[1] == 1 => x.squeeze(1), // (N, H, W)
            _ => throw new ArgumentException($"expected images of shape (N, 1, H, W), (N, H, W) or (H, W); got ({string.Join(", ", x.shape)})."),
        };
        int n = (int)x.shape[0], h = (int)x.shape[1], w = (int)x.shape[2];
        if (n == 0) throw new ArgumentException("there are no images to show (N = 0).");
        var grey = x.sub(low).div(high - low).clamp(0, 1).mul(255).round().to(ScalarType.Byte).contiguous();
        byte[] pixels = grey.data<byte>().ToArray();

        int cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        int cellW = w * scale + padding, cellH = h * scale + padding;
        int width = cols * cellW + padding, height = rows * cellH + padding;
        using var image = new Image<L8>(width, height, new L8(96)); // grey lines between images
        for (int i = 0; i < n; i++)
        {
            int left = padding + (i % cols) * cellW, top = padding + (i / cols) * cellH;
            for (int py = 0; py < h * scale; py++)
                for (int px = 0; px < w * scale; px++)
                    image[left + px, top + py] = new L8(pixels[i * h * w + (py / scale) * w + px / scale]);
        }
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return new PngImage(stream.ToArray(), width, height);
    }
}
