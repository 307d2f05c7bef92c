// Generation one step at a time: start from an all-black canvas, ask a predictor for the
// distribution of the next pixels, pick levels (greedy or sampled), write them, repeat. Chapter 3.
using static TorchSharp.torch;

namespace Workbook.Autoregression;

/// <summary>
/// A predictor for one generation step: given the canvas so far (B, 1, H, W) with grey values in
/// [0, 1] and the flat indices of the pixels to fill, it returns logits (B, positions, K).
/// </summary>
public delegate Tensor PixelPredictor(Tensor canvas, int[] positions);

public static class AutoregressiveSampler
{
    /// <summary>
    /// Generates <paramref name="count"/> images of height x width with K = <paramref name="levels"/> grey levels,
    /// in the given order, one predictor call per step. Returns the images (count, 1, H, W) as greys in [0, 1].
    /// <paramref name="onStep"/> sees (step, canvas) after every step; the canvas is overwritten by the
    /// next step, so clone it to keep it.
    /// </summary>
    public static Tensor Sample(PixelPredictor predict, IGenerationOrder order, int count, int height, int width, int levels,
        SamplingConfig sampling, Generator generator, Action<int, Tensor>? onStep = null)
    {
        sampling.Validate();
        Runtime.Check.Positive("count", count);
        Runtime.Check.Positive("height", height);
        Runtime.Check.Positive("width", width);
        Runtime.MemoryBudget.CheckShape("AutoregressiveSampler.Sample", count, levels, height, width);   // the logits of every pixel
        var canvas = zeros([count, 1, height, width], device: Runtime.TorchRuntime.Device);   // all black
        var steps = order.Steps(height, width);
        using (no_grad())
        {
            for (int step = 0; step < steps.Count; step++)
            {
                using (var scope = NewDisposeScope())
                {
                    int[] positions = steps[step];
                    var logits = predict(canvas, positions);                                    // (B, n, K)
                    var level = sampling.Greedy ? logits.argmax(-1) : Draw(logits, sampling.Temperature, generator); // (B, n)
                    var index = tensor(positions.Select(p => (long)p).ToArray(), device: canvas.device).expand(count, -1);
                    canvas.view(count, height * width).scatter_(1, index, PixelLevels.ToGrey(level, levels));
                }
                onStep?.Invoke(step, canvas);
            }
        }
        return canvas;
    }

    /// <summary>One random level per row of logits (..., K), after dividing the logits by the temperature.</summary>
    public static Tensor Draw(Tensor logits, double temperature, Generator generator)
    {
        long k = logits.shape[^1];
        var probabilities = nn.functional.softmax(logits.div(temperature), -1).reshape(-1, k);
        return multinomial(probabilities, 1, generator: generator).view(logits.shape[..^1]);
    }

    /// <summary>
    /// A predictor from a model that returns logits for every pixel at once, (B, K, H, W), with the logits
    /// at each pixel depending only on earlier pixels (per-pixel networks, PixelCNN).
    /// </summary>
    public static PixelPredictor FromLogitMaps(Func<Tensor, Tensor> model) => (canvas, positions) =>
    {
        var logits = model(canvas);                                         // (B, K, H, W)
        var flat = logits.flatten(2).transpose(1, 2);                      // (B, H*W, K)
        var index = tensor(positions.Select(p => (long)p).ToArray(), device: logits.device);
        return flat.index_select(1, index);                                 // (B, n, K)
    };
}
