// Generation with the any-order model (chapter 5): start from an empty image and, step by step, sample
// the pixels the order assigns to that step, all at once and independently, from one network evaluation.
using System.Diagnostics;
using static TorchSharp.torch;

namespace Workbook.Patches;

/// <summary>Generated level indices (B, 1, H, W), how many network evaluations it took and how long.</summary>
public sealed record GeneratedSamples(Tensor Levels, int Evaluations, TimeSpan Elapsed);

public static class PatchSampler
{
    /// <summary>
    /// Fills every pixel in the order's steps: one network evaluation per step, each pixel of the step drawn from
    /// its own predicted distribution, independently of the others generated in the same step.
    /// <paramref name="temperature"/> below 1 sharpens those distributions (1 = the model's own).
    /// </summary>
    public static GeneratedSamples Generate(AnyOrderModel model, PixelOrder order, Generator generator, double temperature = 1.0)
    {
        Runtime.Check.InRange(nameof(temperature), temperature, 0.05, 10.0);
        model.eval();
        using var noGrad = no_grad();
        var clock = Stopwatch.StartNew();
        var shape = order.StepOfPixel.shape;                     // (B, 1, H, W)
        int levels = model.Config.Levels;
        var x = zeros(shape, int64, device: order.StepOfPixel.device);
        int evaluations = 0;
        for (int step = 0; step < order.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.call(x, order.VisibleBefore(step));                          // (B, L, H, W)
            evaluations++;
            var probabilities = nn.functional.softmax(logits / temperature, 1)
                                  .permute(0, 2, 3, 1).reshape(-1, levels);                 // (B*H*W, L)
            var drawn = probabilities.multinomial(1, generator: generator).view(shape);      // (B, 1, H, W)
            var next = where(order.GeneratedAt(step), drawn, x).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        return new GeneratedSamples(x, evaluations, clock.Elapsed);
    }
}
