// Generation pixel by pixel, or some pixels at a time, in any order (chapters 3 to 5): start from an
// empty image; at each step ask a predictor for a distribution over the levels of every pixel, and at
// the pixels the order fills at that step take the most likely level (greedy) or draw one, each
// independently of the others drawn in the same step. Raster order one pixel at a time is chapter 3's
// autoregression; patches and random orders are chapter 5's. The sampler counts its predictor calls.
using System.Diagnostics;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Autoregression;

/// <summary>
/// A predictor for one generation step: the levels drawn so far (B, 1, H, W) int64, which pixels are drawn
/// (visible, (B, 1, H, W) bool) and which ones this step fills (filling, the same shape); returns logits
/// (B, K, H, W) for every pixel. Only the logits at the filled pixels are used.
/// </summary>
public delegate Tensor PixelPredictor(Tensor levels, Tensor visible, Tensor filling);

/// <summary>Generated level indices (B, 1, H, W), how many predictor calls it took and how long.</summary>
public sealed record GeneratedSamples(Tensor Levels, int Evaluations, TimeSpan Elapsed);

public static class PixelSampler
{
    /// <summary>
    /// Fills every pixel in the order's steps with <paramref name="levels"/> grey levels: one predictor call per
    /// step. <paramref name="onStep"/> sees (step, levels so far) after every step; the tensor is freed by the
    /// next step, so clone it to keep it. Pixels the order gives (a negative step) take their levels from
    /// <paramref name="start"/> (B, 1, H, W) or (1, 1, H, W); without it every pixel starts at level 0.
    /// </summary>
    public static GeneratedSamples Generate(PixelPredictor predict, PixelOrder order, int levels, SamplingConfig sampling,
        Generator generator, Action<int, Tensor>? onStep = null, Tensor? start = null)
    {
        sampling.Validate();
        Check.InRange(nameof(levels), levels, 2, 256);
        var shape = order.StepOfPixel.shape;                                              // (B, 1, H, W)
        MemoryBudget.CheckShape("PixelSampler.Generate", shape[0], levels, shape[2], shape[3]);   // the logits of every pixel
        var clock = Stopwatch.StartNew();
        var x = start is null ? zeros(shape, int64, device: order.StepOfPixel.device) : StartLevels(start, shape, levels, order);
        int evaluations = 0;
        using var noGrad = no_grad();
        for (int step = 0; step < order.Steps; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var filling = order.GeneratedAt(step);
                var logits = predict(x, order.VisibleBefore(step), filling);              // (B, K, H, W)
                evaluations++;
                if (!logits.shape.SequenceEqual([shape[0], levels, shape[2], shape[3]]))
                    throw new ArgumentException($"the predictor returned logits of shape ({string.Join(", ", logits.shape)}); " +
                        $"the sampler needs ({shape[0]}, {levels}, {shape[2]}, {shape[3]}): a distribution over {levels} levels at every pixel.");
                var drawn = sampling.Greedy ? logits.argmax(1, keepdim: true) : Draw(logits, sampling.Temperature, generator);
                var next = where(filling, drawn, x).MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
            }
            onStep?.Invoke(step, x);                                                      // outside the step's scope: what it keeps lives on
        }
        return new GeneratedSamples(x, evaluations, clock.Elapsed);
    }

    static Tensor StartLevels(Tensor start, long[] shape, int levels, PixelOrder order)
    {
        if (start.dim() != 4 || start.shape[1] != 1 || start.shape[2] != shape[2] || start.shape[3] != shape[3]
            || (start.shape[0] != 1 && start.shape[0] != shape[0]))
            throw new ArgumentException($"start has shape ({string.Join(", ", start.shape)}); the order needs " +
                $"({shape[0]}, 1, {shape[2]}, {shape[3]}) or (1, 1, {shape[2]}, {shape[3]}) level indices.");
        if (start.min().item<long>() < 0 || start.max().item<long>() >= levels)
            throw new ArgumentException($"start holds levels outside 0..{levels - 1}.");
        return start.to(int64).to(order.StepOfPixel.device).expand(shape).clone();
    }

    /// <summary>One random level per pixel, (B, K, H, W) logits → (B, 1, H, W), after dividing the logits by the temperature.</summary>
    public static Tensor Draw(Tensor logits, double temperature, Generator generator)
    {
        long b = logits.shape[0], k = logits.shape[1], h = logits.shape[2], w = logits.shape[3];
        var probabilities = nn.functional.softmax(logits / temperature, 1).permute(0, 2, 3, 1).reshape(-1, k);   // (B*H*W, K)
        return probabilities.multinomial(1, generator: generator).view(b, 1, h, w);
    }
}

/// <summary>The predictors of the chapters' models, in the form the sampler takes.</summary>
public static class PixelPredictors
{
    /// <summary>The grey canvas a chapter 3-4 network sees: drawn pixels as greys in [0, 1], the others black (0).</summary>
    public static Tensor Canvas(Tensor levels, Tensor visible, int levelCount) =>
        PixelLevels.ToGrey(levels, levelCount) * visible;

    /// <summary>A network that returns logits for every pixel at once from the canvas, (B, K, H, W): the PixelCNN.</summary>
    public static PixelPredictor FromLogitMaps(Func<Tensor, Tensor> model, int levelCount) =>
        (levels, visible, _) => model(Canvas(levels, visible, levelCount));

    /// <summary>
    /// A network that predicts one pixel from the canvas, (canvas, flat position p) → logits (B, K): chapter 3's 64
    /// networks, chapter 4's shared one. For orders that fill one pixel per step, the same for every image (raster).
    /// </summary>
    public static PixelPredictor OnePixelAt(Func<Tensor, int, Tensor> predictAt, int levelCount) => (levels, visible, filling) =>
    {
        long b = levels.shape[0], h = levels.shape[2], w = levels.shape[3];
        var flat = filling.view(b, h * w);
        var positions = flat[0].nonzero().flatten();
        if (positions.shape[0] != 1 || !flat.eq(flat[..1]).all().item<bool>())
            throw new ArgumentException("this predictor fills one pixel per step, the same pixel in every image; use an order " +
                "like PixelOrders.Raster, or a model that predicts every pixel at once.");
        int p = (int)positions.item<long>();
        var logits = predictAt(Canvas(levels, visible, levelCount), p);                 // (B, K)
        var maps = zeros([b, logits.shape[1], h * w], logits.dtype, logits.device);
        maps[.., .., p] = logits;
        return maps.view(b, -1, h, w);                                                   // (B, K, H, W): zero elsewhere
    };
}
