// Conditions that are not text: sketches of the image. Two kinds, both computed from the image itself,
// so every training image makes its own pair. Chapter 09.
//   coarse:  the image shrunk to a few pixels a side (a blob that says where the ink is);
//   outline: the centre line of its strokes, one pixel wide (says where the pen went, not how thick
//            or how dark the stroke is: the model has to decide that).
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public static class Sketches
{
    /// <summary>The kinds of sketch a sketch model can be trained on.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["coarse", "outline"];

    /// <summary>Images (B, C, H, W) shrunk to (B, C, size, size) by averaging blocks of pixels.</summary>
    public static Tensor Coarse(Tensor images, int size = 7)
    {
        Runtime.Check.InRange(nameof(size), size, 1, (int)Math.Min(images.shape[2], images.shape[3]));
        return nn.functional.interpolate(images, [size, size], mode: InterpolationMode.Area);
    }

    /// <summary>
    /// The stroke skeleton of images (B, 1, H, W) in [0, 1]: ink (grey above <paramref name="threshold"/>)
    /// thinned to lines one pixel wide that keep the strokes' shape and connections (Zhang and Suen's
    /// thinning, 1984). Returns (B, 1, H, W) with 1 on the line, 0 elsewhere.
    /// </summary>
    public static Tensor Outline(Tensor images, double threshold = 0.5)
    {
        Runtime.Check.InRange(nameof(threshold), threshold, 0.0, 1.0);
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"Outline needs images of shape (B, 1, H, W); got ({string.Join(", ", images.shape)}).");
        int h = (int)images.shape[2], w = (int)images.shape[3];
        var ink = images.gt(threshold).to(uint8).cpu().data<byte>().ToArray();
        for (int b = 0; b < images.shape[0]; b++) Thin(ink.AsSpan(b * h * w, h * w), h, w);
        return tensor(ink, dtype: float32, device: images.device).view(images.shape);
    }

    /// <summary>
    /// The condition a sketch model of this kind is given for images x0 (B, 1, H, W) in [-1, 1], in [-1, 1]
    /// too: coarse (B, 1, size, size), or outline (B, 1, H, W) with 1 on the line and -1 elsewhere.
    /// </summary>
    public static Tensor Of(string kind, Tensor x0, int size) => kind switch
    {
        "coarse" => Coarse(x0, size),
        "outline" => Outline((x0 + 1) / 2) * 2 - 1,
        _ => throw new Runtime.HyperparameterException($"Sketch = \"{kind}\" is not a kind of sketch; use one of: {string.Join(", ", Kinds)}."),
    };

    /// <summary>
    /// How well drawn images (B, 1, H, W) in [0, 1] follow their outlines (B, 1, H, W) in {0, 1}: the mean grey
    /// on the line (1 = every line pixel inked) and the mean grey farther than one pixel from it (0 = no ink
    /// strays from the sketch).
    /// </summary>
    public static (double OnLine, double OffLine) LineFit(Tensor drawn, Tensor outlines)
    {
        using var scope = NewDisposeScope();
        var near = nn.functional.max_pool2d(outlines, 3, stride: 1, padding: 1);    // the line and its 8 neighbours
        double on = ((drawn * outlines).sum() / outlines.sum().clamp_min(1)).item<float>();
        var far = 1 - near;
        double off = ((drawn * far).sum() / far.sum().clamp_min(1)).item<float>();
        return (on, off);
    }

    // Zhang-Suen thinning of one binary image in place: peel boundary pixels in two alternating passes
    // (south-east, then north-west) until nothing changes. A pixel is peeled when it has 2 to 6 ink
    // neighbours, exactly one white-to-ink step around it (so removing it does not cut a stroke) and the
    // pass's side of it is open.
    static void Thin(Span<byte> ink, int h, int w)
    {
        var peel = new List<int>();
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                peel.Clear();
                for (int r = 0; r < h; r++)
                    for (int c = 0; c < w; c++)
                        if (ink[r * w + c] == 1 && Peelable(ink, h, w, r, c, pass)) peel.Add(r * w + c);
                foreach (int i in peel) ink[i] = 0;
                changed |= peel.Count > 0;
            }
        }
    }

    static bool Peelable(ReadOnlySpan<byte> ink, int h, int w, int r, int c, int pass)
    {
        // neighbours clockwise from north: N, NE, E, SE, S, SW, W, NW (outside the image: no ink)
        Span<int> n = stackalloc int[8];
        int[] dr = [-1, -1, 0, 1, 1, 1, 0, -1], dc = [0, 1, 1, 1, 0, -1, -1, -1];
        for (int k = 0; k < 8; k++)
        {
            int rr = r + dr[k], cc = c + dc[k];
            n[k] = rr >= 0 && rr < h && cc >= 0 && cc < w ? ink[rr * w + cc] : 0;
        }
        int count = 0, steps = 0;
        for (int k = 0; k < 8; k++) { count += n[k]; if (n[k] == 0 && n[(k + 1) % 8] == 1) steps++; }
        if (count < 2 || count > 6 || steps != 1) return false;
        var (north, east, south, west) = (n[0], n[2], n[4], n[6]);
        return pass == 0
            ? north * east * south == 0 && east * south * west == 0
            : north * east * west == 0 && north * south * west == 0;
    }
}
