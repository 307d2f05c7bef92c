// An animated GIF of a generation process (pixels filling in, noise turning into a digit),
// built from a sequence of image batches. Shown inline in notebooks; Save writes it for slides.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Workbook.Display;

public sealed record GifAnimation(byte[] Bytes, int Width, int Height, int Frames)
{
    public string DataUri => "data:image/gif;base64," + Convert.ToBase64String(Bytes);

    public string ToHtml() => $"<img src=\"{DataUri}\" width=\"{Width}\" height=\"{Height}\" style=\"image-rendering:pixelated\"/>";

    /// <summary>Writes the GIF to <paramref name="path"/> (atomically) and returns the full path.</summary>
    public string Save(string path) => Runtime.AtomicFile.Write(path, Bytes);

    /// <summary>
    /// One frame per tensor, each laid out like <see cref="ImageGrid.From"/>; every frame is shown for
    /// <paramref name="frameMilliseconds"/>, the last one three times as long, and the animation loops.
    /// <paramref name="hidden"/> and <paramref name="marks"/>, when given, hold one entry per frame.
    /// </summary>
    public static GifAnimation From(IReadOnlyList<Tensor> frames, int columns = 8, int? scale = null, double low = 0,
        double high = 1, int frameMilliseconds = 80, int padding = 1,
        IReadOnlyList<Tensor>? hidden = null, IReadOnlyList<IReadOnlyList<PixelMark>>? marks = null)
    {
        if (frames.Count == 0) throw new ArgumentException("an animation needs at least one frame.");
        if (frameMilliseconds is < 10 or > 10_000)
            throw new ArgumentOutOfRangeException(nameof(frameMilliseconds), frameMilliseconds, "frame time must be 10 ms to 10 s.");
        if (hidden is not null && hidden.Count != frames.Count)
            throw new ArgumentException($"hidden has {hidden.Count} entries for {frames.Count} frames: give one per frame.");
        if (marks is not null && marks.Count != frames.Count)
            throw new ArgumentException($"marks has {marks.Count} entries for {frames.Count} frames: give one per frame.");
        var pngs = frames.Select((f, i) => ImageGrid.From(f, columns, scale, low, high, padding, hidden?[i], marks?[i])).ToList();
        return FromPictures(pngs, frameMilliseconds);
    }

    /// <summary>
    /// One frame per picture (all of one size), e.g. a canvas beside its predicted distribution
    /// (<see cref="DistributionBars.Beside"/>); timing as in <see cref="From"/>.
    /// </summary>
    public static GifAnimation FromPictures(IReadOnlyList<PngImage> pngs, int frameMilliseconds = 80)
    {
        if (pngs.Count == 0) throw new ArgumentException("an animation needs at least one frame.");
        if (frameMilliseconds is < 10 or > 10_000)
            throw new ArgumentOutOfRangeException(nameof(frameMilliseconds), frameMilliseconds, "frame time must be 10 ms to 10 s.");
        using var gif = Image.Load<Rgba32>(pngs[0].Bytes);
        gif.Metadata.GetGifMetadata().RepeatCount = 0; // loop forever
        gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = frameMilliseconds / 10;
        for (int i = 1; i < pngs.Count; i++)
        {
            using var next = Image.Load<Rgba32>(pngs[i].Bytes);
            if (next.Width != gif.Width || next.Height != gif.Height) throw new ArgumentException($"frame {i} has a different size from frame 0.");
            var frame = gif.Frames.AddFrame(next.Frames.RootFrame);
            frame.Metadata.GetGifMetadata().FrameDelay = (i == pngs.Count - 1 ? 3 : 1) * frameMilliseconds / 10;
        }
        using var stream = new MemoryStream();
        gif.SaveAsGif(stream);
        return new GifAnimation(stream.ToArray(), gif.Width, gif.Height, pngs.Count);
    }
}
