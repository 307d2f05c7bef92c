// How good is an autoregressive model? The exact probability it gives to real test images: the sum
// over pixels of -log p(pixel | pixels before it), in nats per image or bits per pixel ("bits/dim").
// Chapter 4 compares models with it.
using static TorchSharp.torch;

namespace Workbook.Autoregression;

public static class Likelihood
{
    /// <summary>
    /// Negative log-likelihood of each image in nats: logits (B, K, H, W) from a causal model run on the
    /// true images, levels (B, 1, H, W) or (B, H, W) the true levels. Returns (B).
    /// </summary>
    public static Tensor NatsPerImage(Tensor logits, Tensor levels)
    {
        var target = levels.dim() == 4 ? levels.squeeze(1) : levels;                            // (B, H, W)
        return nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.None).sum([1, 2]); // (B)
    }

    /// <summary>Nats per image to bits per pixel: divide by the number of pixels and by ln 2.</summary>
    public static double BitsPerDim(double natsPerImage, int pixels) => natsPerImage / (pixels * Math.Log(2));

    /// <summary>
    /// Mean nats per image over a whole set of greys (N, 1, H, W), evaluated in chunks without gradients.
    /// <paramref name="logitsOf"/> maps a batch of (quantised) greys to logits (B, K, H, W).
    /// </summary>
    public static double MeanNatsPerImage(Func<Tensor, Tensor> logitsOf, Tensor images, int levels, int chunk = 256)
    {
        Runtime.Check.Positive(nameof(chunk), chunk);
        double total = 0;
        long n = images.shape[0];
        using (no_grad())
        {
            for (long start = 0; start < n; start += chunk)
            {
                using var scope = NewDisposeScope();
                var batch = images[TensorIndex.Slice(start, Math.Min(n, start + chunk))];
                var level = PixelLevels.Quantize(batch, levels);
                total += NatsPerImage(logitsOf(PixelLevels.ToGrey(level, levels)), level).sum().item<float>();
            }
        }
        return total / n;
    }
}
