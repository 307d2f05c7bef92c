// Turns a batch of image tensors into one PNG grid, upscaled with nearest-neighbour so every
// pixel stays a crisp square on a projector. One visual language for every chapter: pixels not
// known yet are hatched grey (never black like the background), the pixel being predicted is
// outlined in orange, and a digit is drawn at least 112 screen pixels tall. Chapter 1.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Workbook.Display;

/// <summary>A pixel to outline: which image of the batch, and its row and column in that image.</summary>
public readonly record struct PixelMark(int Image, int Row, int Column);

public static class ImageGrid
{
    /// <summary>How tall a picture of one image should be on screen, in pixels (a 14-pixel digit: 8x).</summary>
    public const int ScreenHeight = 112;

    /// <summary>The colour of an outlined pixel (orange: visible on black, white and grey).</summary>
    public static readonly Rgb24 MarkColour = new(255, 120, 0);

    /// <summary>The smallest upscaling that draws an image of <paramref name="height"/> pixels 112 pixels tall.</summary>
    public static int ScreenScale(long height) => (int)Math.Clamp((ScreenHeight + height - 1) / Math.Max(1, height), 1, 64);

    /// <summary>
    /// Lays out images (N, 1, H, W), (N, H, W) or a single (H, W) in a grid of <paramref name="columns"/>,
    /// each pixel drawn as a scale x scale square (by default <see cref="ScreenScale"/>). Values from
    /// <paramref name="low"/> (black) to <paramref name="high"/> (white) are mapped to grey levels; values
    /// outside are clipped. Where <paramref name="hidden"/> (booleans of the images' shape, or one image's
    /// (H, W) for all) is true, the pixel is drawn hatched grey: not known yet. Each of <paramref name="marks"/>
    /// gets an orange outline.
    /// </summary>
    public static PngImage From(Tensor images, int columns = 8, int? scale = null, double low = 0, double high = 1,
        int padding = 1, Tensor? hidden = null, IReadOnlyList<PixelMark>? marks = null)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1.");
        if (scale is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be 1 to 64.");
        if (!(high > low)) throw new ArgumentException($"high ({high}) must be greater than low ({low}).");

        using var disposeScope = NewDisposeScope();
        var x = AsBatch(images.detach().to(CPU).to(float32), nameof(images));
        int n = (int)x.shape[0], h = (int)x.shape[1], w = (int)x.shape[2];
        if (n == 0) throw new ArgumentException("there are no images to show (N = 0).");
        int s = scale ?? ScreenScale(h);
        var grey = x.sub(low).div(high - low).clamp(0, 1).mul(255).round().to(ScalarType.Byte).contiguous();
        byte[] pixels = grey.data<byte>().ToArray();
        bool[]? unknown = hidden is null ? null : HiddenPixels(hidden, n, h, w);
        foreach (var m in marks ?? [])
            if (m.Image < 0 || m.Image >= n || m.Row < 0 || m.Row >= h || m.Column < 0 || m.Column >= w)
                throw new ArgumentOutOfRangeException(nameof(marks), m,
                    $"a marked pixel must lie in images 0..{n - 1}, rows 0..{h - 1}, columns 0..{w - 1}.");

        int cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        int cellW = w * s + padding, cellH = h * s + padding;
        int width = cols * cellW + padding, height = rows * cellH + padding;
        using var image = new Image<Rgb24>(width, height, new Rgb24(96, 96, 96)); // grey lines between images
        for (int i = 0; i < n; i++)
        {
            int left = padding + (i % cols) * cellW, top = padding + (i / cols) * cellH;
            for (int py = 0; py < h * s; py++)
                for (int px = 0; px < w * s; px++)
                {
                    int k = i * h * w + (py / s) * w + px / s;
                    byte v = unknown?[k] == true ? Hatch(px, py, s) : pixels[k];
                    image[left + px, top + py] = new Rgb24(v, v, v);
                }
        }
        foreach (var m in marks ?? [])
            Outline(image, padding + (m.Image % cols) * cellW + m.Column * s, padding + (m.Image / cols) * cellH + m.Row * s, s);
        using var stream = new MemoryStream();
        if (marks is { Count: > 0 }) image.SaveAsPng(stream);
        else
        {
            using var greyOnly = image.CloneAs<L8>(); // a third of the bytes where there is no colour
            greyOnly.SaveAsPng(stream);
        }
        return new PngImage(stream.ToArray(), width, height);
    }

    /// <summary>
    /// The (2 radius + 1)-pixel square around (<paramref name="row"/>, <paramref name="column"/>) of every image,
    /// drawn 112 pixels tall with that pixel outlined: a change of one pixel by a few grey levels, invisible in
    /// the whole digit, can be seen here. Near an edge the square is shifted to stay inside the image, and the
    /// outline moves with the pixel. <paramref name="hidden"/> is the whole images' mask, cut like the images;
    /// <paramref name="alsoOutline"/> names more pixels (image rows and columns inside the square) to outline.
    /// </summary>
    public static PngImage Neighbourhood(Tensor images, int row, int column, int radius = 2, int columns = 8,
        Tensor? hidden = null, IReadOnlyList<(int Row, int Column)>? alsoOutline = null)
    {
        using var disposeScope = NewDisposeScope();
        var x = AsBatch(images.detach().to(CPU).to(float32), nameof(images));
        int n = (int)x.shape[0], h = (int)x.shape[1], w = (int)x.shape[2];
        if (row < 0 || row >= h || column < 0 || column >= w)
            throw new ArgumentOutOfRangeException(nameof(row), (row, column),
                $"the pixel (row {row}, column {column}) must lie in rows 0..{h - 1} and columns 0..{w - 1}.");
        int size = 2 * radius + 1;
        if (radius < 1 || size > Math.Min(h, w))
            throw new ArgumentOutOfRangeException(nameof(radius), radius,
                $"radius must be 1 to {(Math.Min(h, w) - 1) / 2}: the square must fit in a {h}x{w} image.");
        int top = Math.Clamp(row - radius, 0, h - size), left = Math.Clamp(column - radius, 0, w - size);
        Tensor Cut(Tensor t) => t[.., top..(top + size), left..(left + size)];
        var mask = hidden is null ? null : Cut(AsBatch(hidden.detach().to(CPU).to(ScalarType.Bool), nameof(hidden)));
        var outlined = new List<(int Row, int Column)> { (row, column) };
        outlined.AddRange(alsoOutline ?? []);
        foreach (var o in outlined)
            if (o.Row < top || o.Row >= top + size || o.Column < left || o.Column >= left + size)
                throw new ArgumentOutOfRangeException(nameof(alsoOutline), o, $"an outlined pixel must lie in the square " +
                    $"shown: rows {top}..{top + size - 1}, columns {left}..{left + size - 1}.");
        var marks = Enumerable.Range(0, n)
            .SelectMany(i => outlined.Select(o => new PixelMark(i, o.Row - top, o.Column - left))).ToList();
        return From(Cut(x), columns, ScreenScale(size), hidden: mask, marks: marks, padding: 2);
    }

    static Tensor AsBatch(Tensor x, string name) => x.dim() switch
    {
        2 => x.unsqueeze(0),                    // (1, H, W)
        3 => x,                                 // (N, H, W)
        4 when x.shape[1] == 1 => x.squeeze(1), // (N, H, W)
        _ => throw new ArgumentException(
            $"{name}: expected images of shape (N, 1, H, W), (N, H, W) or (H, W); got ({string.Join(", ", x.shape)})."),
    };

    static bool[] HiddenPixels(Tensor hidden, int n, int h, int w)
    {
        var mask = AsBatch(hidden.detach().to(CPU).to(ScalarType.Bool), nameof(hidden));
        if (mask.shape[1] != h || mask.shape[2] != w || (mask.shape[0] != n && mask.shape[0] != 1))
            throw new ArgumentException($"hidden has shape ({string.Join(", ", hidden.shape)}); " +
                $"use the images' shape or one image's ({h}, {w}) for all {n}.");
        return mask.expand(n, h, w).contiguous().data<bool>().ToArray();
    }

    // Diagonal stripes of two middle greys: clearly "no value" next to black ink and white paper.
    static byte Hatch(int px, int py, int scale) => (px + py) % Math.Max(4, scale) < Math.Max(2, scale / 2) ? (byte)150 : (byte)110;

    // A frame two pixels wide (one at small scales) just inside the pixel's square.
    static void Outline(Image<Rgb24> image, int left, int top, int scale)
    {
        int thickness = scale >= 6 ? 2 : 1;
        for (int dy = 0; dy < scale; dy++)
            for (int dx = 0; dx < scale; dx++)
                if (dx < thickness || dy < thickness || dx >= scale - thickness || dy >= scale - thickness)
                    image[left + dx, top + dy] = MarkColour;
    }
}
