// Generation orders: which pixels are generated at which step. Chapter 3 fills one pixel per step in
// reading (raster) order; chapter 5 fills contiguous patches in raster order, or the same number of
// steps with each step's pixels scattered at random. One type, PixelOrder, serves all of them.
using static TorchSharp.torch;

namespace Workbook.Autoregression;

/// <summary>
/// An order of generation for a batch: StepOfPixel (B, 1, H, W) says at which step (0 .. Steps - 1) each pixel
/// is generated. Before step s a sample shows the pixels with StepOfPixel &lt; s; step s fills those equal to s.
/// A pixel with a negative step is given: visible from the start, never drawn (completing a partial image).
/// </summary>
public sealed record PixelOrder(string Name, Tensor StepOfPixel, int Steps)
{
    /// <summary>Pixels visible before step <paramref name="step"/>: (B, 1, H, W) bool.</summary>
    public Tensor VisibleBefore(int step) => StepOfPixel.lt(step);

    /// <summary>Pixels generated at step <paramref name="step"/>: (B, 1, H, W) bool.</summary>
    public Tensor GeneratedAt(int step) => StepOfPixel.eq(step);
}

public static class PixelOrders
{
    /// <summary>
    /// Step of each pixel (H, W) when the image is cut into patchSize x patchSize squares taken in raster order
    /// (left to right, top to bottom). Squares at the right and bottom edges are cut short when the size does not
    /// divide the image: a 14x14 image in 4x4 patches has 16 steps, of 16, 8 and 4 pixels.
    /// </summary>
    public static long[,] RasterPatchSteps(int height, int width, int patchSize)
    {
        Runtime.Check.InRange(nameof(patchSize), patchSize, 1, Math.Max(height, width));
        int across = (width + patchSize - 1) / patchSize;
        var steps = new long[height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                steps[y, x] = (y / patchSize) * across + x / patchSize;
        return steps;
    }

    /// <summary>Number of steps of RasterPatchSteps: ceil(H / p) * ceil(W / p).</summary>
    public static int RasterPatchCount(int height, int width, int patchSize) =>
        ((height + patchSize - 1) / patchSize) * ((width + patchSize - 1) / patchSize);

    /// <summary>
    /// Completing a partial image: the pixels where <paramref name="hidden"/> (H, W) is false are given (step -1),
    /// the hidden ones are drawn one per step in reading order, or all in one step when
    /// <paramref name="allAtOnce"/>.
    /// </summary>
    public static PixelOrder Completion(int batch, Tensor hidden, bool allAtOnce)
    {
        if (hidden.dim() != 2 || hidden.dtype != ScalarType.Bool)
            throw new ArgumentException($"hidden: expected (H, W) booleans; got {hidden.dtype} ({string.Join(", ", hidden.shape)}).");
        int count = (int)hidden.sum().item<long>();
        if (count == 0) throw new ArgumentException("hidden has no true pixel: there is nothing to complete.");
        var rank = hidden.flatten().to(int64).cumsum(0) - 1;                      // reading-order rank among the hidden
        var step = where(hidden.flatten(), allAtOnce ? zeros_like(rank) : rank, -1).view(1, 1, hidden.shape[0], hidden.shape[1]);
        return new PixelOrder(allAtOnce ? "all at once" : "one pixel at a time", step.expand(batch, 1, -1, -1).contiguous(),
            allAtOnce ? 1 : count);
    }

    /// <summary>Reading order, one pixel per step (left to right, top to bottom), the same for every image: chapter 3.</summary>
    public static PixelOrder Raster(int batch, int height, int width) =>
        RasterPatches(batch, height, width, 1) with { Name = "raster, one pixel per step" };

    /// <summary>The same raster-patch order for every image of a batch.</summary>
    public static PixelOrder RasterPatches(int batch, int height, int width, int patchSize)
    {
        Pixels(batch, height, width, "PixelOrders.RasterPatches");
        using var scope = NewDisposeScope();
        var steps = tensor(RasterPatchSteps(height, width, patchSize), device: Runtime.TorchRuntime.Device); // (H, W)
        return new PixelOrder($"{patchSize}x{patchSize} patches, raster order",
            steps.expand(batch, 1, height, width).contiguous().MoveToOuterDisposeScope(), RasterPatchCount(height, width, patchSize));
    }

    /// <summary>
    /// A fresh random order for each image of a batch, in <paramref name="steps"/> steps: the pixels are shuffled
    /// and dealt out in turn, so every step gets H*W/steps pixels (±1), scattered over the image.
    /// </summary>
    public static PixelOrder Random(int batch, int height, int width, int steps, Generator generator)
    {
        int pixels = Pixels(batch, height, width, "PixelOrders.Random");
        Runtime.Check.InRange(nameof(steps), steps, 1, pixels);
        using var scope = NewDisposeScope();
        var rank = RandomRanks(batch, pixels, generator);                       // (B, H*W): a permutation of 0..H*W-1 per row
        var step = rank.mul(steps).div(pixels, rounding_mode: RoundingMode.floor); // (B, H*W): rank * steps / pixels
        return new PixelOrder($"{steps} steps of ~{(double)pixels / steps:G3} random pixels",
            step.view(batch, 1, height, width).MoveToOuterDisposeScope(), steps);
    }

    /// <summary>A random permutation of 0 .. n-1 in each of <paramref name="batch"/> rows (the rank of a uniform draw).</summary>
    public static Tensor RandomRanks(int batch, int n, Generator generator)
    {
        Runtime.Check.Positive(nameof(batch), batch);
        Runtime.Check.Positive(nameof(n), n);
        Runtime.MemoryBudget.CheckShape("PixelOrders.RandomRanks", batch, n);   // before rand, which does not report a bad size
        var noise = rand([batch, n], generator: generator, device: Runtime.TorchRuntime.Device);
        return noise.argsort(1).argsort(1); // (B, n) int64
    }

    /// <summary>
    /// Training masks for one model that serves every order, (B, 1, H, W) bool, true = visible. Each image gets, with
    /// probability <paramref name="randomShare"/>, a random subset of k visible pixels with k uniform in 0 .. H*W-1;
    /// otherwise the visible part of a raster-patch order just before a uniformly chosen step, with the patch size
    /// drawn from <paramref name="patchSizes"/>. So the model sees both kinds of partial image during training.
    /// </summary>
    public static Tensor TrainingMasks(int batch, int height, int width, IReadOnlyList<int> patchSizes, double randomShare, Generator generator)
    {
        Runtime.Check.InRange(nameof(randomShare), randomShare, 0.0, 1.0);
        if (patchSizes.Count == 0) throw new ArgumentException("give at least one patch size for the raster-patch masks.");
        int pixels = Pixels(batch, height, width, "PixelOrders.TrainingMasks");
        var device = Runtime.TorchRuntime.Device;
        using var scope = NewDisposeScope();

        // Random subsets: keep the k pixels of lowest rank.
        var rank = RandomRanks(batch, pixels, generator).view(batch, 1, height, width);
        var k = randint(0, pixels, [batch, 1, 1, 1], generator: generator, device: device);
        var randomMask = rank.lt(k);

        // Raster-patch prefixes: a patch size per image, then a step uniformly among that size's steps.
        var tables = stack(patchSizes.Select(p => tensor(RasterPatchSteps(height, width, p), device: device)).ToArray()); // (P, H, W)
        var counts = tensor(patchSizes.Select(p => (long)RasterPatchCount(height, width, p)).ToArray(), device: device);  // (P)
        var which = randint(0, patchSizes.Count, [batch], generator: generator, device: device);                          // (B)
        var step = rand([batch], generator: generator, device: device).mul(counts.index_select(0, which)).floor().to(int64);
        var prefixMask = tables.index_select(0, which).unsqueeze(1).lt(step.view(batch, 1, 1, 1)); // (B, 1, H, W)

        var useRandom = rand([batch, 1, 1, 1], generator: generator, device: device).lt(randomShare);
        return where(useRandom, randomMask, prefixMask).MoveToOuterDisposeScope();
    }

    /// <summary>H*W after checking that batch, height and width count something and a (B, H*W) draw fits in memory.</summary>
    static int Pixels(int batch, int height, int width, string caller)
    {
        Runtime.Check.Positive(nameof(batch), batch);
        Runtime.Check.Positive(nameof(height), height);
        Runtime.Check.Positive(nameof(width), width);
        Runtime.MemoryBudget.CheckShape(caller, batch, (long)height * width);
        return height * width;
    }
}
