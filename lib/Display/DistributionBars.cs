// A predicted distribution over K grey levels drawn as a strip of K bars, to stand beside the canvas
// a sampler is filling: each bar's height is a level's probability, a swatch of the level's grey sits
// under it, and the level that was drawn is orange like the outlined pixel. Chapter 3.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Workbook.Display;

public static class DistributionBars
{
    /// <summary>The colour of an ordinary bar (blue-grey: distinct from every grey level and from orange).</summary>
    public static readonly Rgb24 BarColour = new(70, 110, 170);

    /// <summary>The strip's background.</summary>
    public static readonly Rgb24 Background = new(255, 255, 255);

    /// <summary>
    /// One strip of bars per row of <paramref name="probabilities"/> (K) or (N, K), stacked top to bottom, each
    /// <paramref name="rowHeight"/> pixels tall with <paramref name="padding"/> between them, the way
    /// <see cref="ImageGrid.From"/> lays out one column of images: ImageGrid.From(images, columns: 1, scale: s)
    /// next to From(p, rowHeight: H * s) lines up row by row. The bottom eighth of a strip is the swatch of each
    /// level's grey (level 0 black on the left, level K - 1 white on the right); a bar as tall as the rest means
    /// probability 1. Where <paramref name="chosen"/> (N) gives a level, that bar is orange.
    /// </summary>
    public static PngImage From(Tensor probabilities, int rowHeight = ImageGrid.ScreenHeight, int barWidth = 12,
        int padding = 1, Tensor? chosen = null)
    {
        if (rowHeight < 16) throw new ArgumentOutOfRangeException(nameof(rowHeight), rowHeight, "a strip needs at least 16 pixels of height.");
        if (barWidth is < 2 or > 64) throw new ArgumentOutOfRangeException(nameof(barWidth), barWidth, "barWidth must be 2 to 64.");
        using var scope = NewDisposeScope();
        var p = probabilities.detach().to(CPU).to(float64);
        if (p.dim() == 1) p = p.unsqueeze(0);
        if (p.dim() != 2 || p.shape[1] < 2)
            throw new ArgumentException($"probabilities: expected (K) or (N, K) with K >= 2; got ({string.Join(", ", probabilities.shape)}).");
        int n = (int)p.shape[0], k = (int)p.shape[1];
        double[] values = p.contiguous().data<double>().ToArray();
        if (values.Any(v => double.IsNaN(v) || v < -1e-6 || v > 1 + 1e-6))
            throw new ArgumentException("probabilities must lie between 0 and 1.");
        long[]? picked = chosen?.detach().to(CPU).to(int64).flatten().data<long>().ToArray();
        if (picked is not null && (picked.Length != n || picked.Any(c => c < 0 || c >= k)))
            throw new ArgumentException($"chosen: give one level in 0..{k - 1} per strip ({n}).");

        int gap = Math.Max(1, barWidth / 4), swatch = Math.Max(4, rowHeight / 8);
        int width = padding + k * (barWidth + gap) + gap + padding;
        int height = padding + n * (rowHeight + padding);
        using var image = new Image<Rgb24>(width, height, new Rgb24(96, 96, 96));
        for (int row = 0; row < n; row++)
        {
            int top = padding + row * (rowHeight + padding), barSpace = rowHeight - swatch - 2;
            Fill(image, Background, padding, top, width - 2 * padding, rowHeight);
            for (int level = 0; level < k; level++)
            {
                int left = padding + gap + level * (barWidth + gap);
                int tall = (int)Math.Round(Math.Clamp(values[row * k + level], 0, 1) * barSpace);
                var colour = picked?[row] == level ? ImageGrid.MarkColour : BarColour;
                byte grey = (byte)Math.Round(255.0 * level / (k - 1));
                Fill(image, colour, left, top + barSpace - tall, barWidth, tall);
                Fill(image, new Rgb24(96, 96, 96), left - 1, top + rowHeight - swatch - 1, barWidth + 2, swatch + 1);
                Fill(image, new Rgb24(grey, grey, grey), left, top + rowHeight - swatch, barWidth, swatch - 1);
            }
        }
        return Save(image);
    }

    /// <summary>Pictures side by side, tops aligned, <paramref name="gap"/> white pixels apart: a canvas and its bars.</summary>
    public static PngImage Beside(params PngImage[] pictures)
    {
        if (pictures.Length == 0) throw new ArgumentException("Beside needs at least one picture.");
        const int gap = 12;
        var loaded = pictures.Select(x => Image.Load<Rgb24>(x.Bytes)).ToList();
        try
        {
            int width = loaded.Sum(x => x.Width) + gap * (loaded.Count - 1), height = loaded.Max(x => x.Height);
            using var sheet = new Image<Rgb24>(width, height, Background);
            int left = 0;
            foreach (var picture in loaded)
            {
                var at = new Point(left, 0);
                sheet.Mutate(c => c.DrawImage(picture, at, 1f));
                left += picture.Width + gap;
            }
            return Save(sheet);
        }
        finally
        {
            foreach (var x in loaded) x.Dispose();
        }
    }

    static void Fill(Image<Rgb24> image, Rgb24 colour, int left, int top, int width, int height)
    {
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
                image[x, y] = colour;
    }

    static PngImage Save(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return new PngImage(stream.ToArray(), image.Width, image.Height);
    }
}
