// Sampling with classifier-free guidance: the chapter 7 samplers, unchanged, are handed a "model"
// that runs the conditional network on the prompt and on "no condition" in one batched call and
// combines the two predictions with weight w. Chapter 10 (w = 1: the plain conditional model of chapter 09).
using Workbook.Diffusion;
using static TorchSharp.torch;
using Workbook.Models;

namespace Workbook.Conditioning;

/// <summary>One sampling step taken apart, as clean-image estimates (B, C, H, W).</summary>
public sealed record GuidanceParts(int T, Tensor Xt, Tensor Conditional, Tensor Unconditional, Tensor Difference, Tensor Guided);

public static class GuidedSampling
{
    /// <summary>
    /// The guided denoiser as a plain (x_t, t) → output function, the form every <see cref="Sampler"/> takes.
    /// <paramref name="condition"/> holds one condition per image to generate, (B, ...).
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> Denoiser(UNet model, Tensor condition, double w) =>
        (xt, t) => Guidance.Predict(model.Predict, xt, t, condition, model.NullCondition(xt.shape[0]), w);

    /// <summary>Generates one image per row of <paramref name="condition"/>, starting from pure noise.</summary>
    public static SamplingRun Generate(Sampler sampler, UNet model, Tensor condition, double w, int imageSize, Generator generator, int snapshots = 0)
    {
        Runtime.Check.GuidanceScale("guidance scale w", w);
        using var noGrad = no_grad();
        return sampler.Generate(Denoiser(model, condition, w), [condition.shape[0], 1, imageSize, imageSize], generator, snapshots);
    }

    /// <summary>
    /// For x_t at step t: the clean image the network expects with the condition, without it, their
    /// difference (what the condition adds) and the guided estimate, unconditional + w * difference.
    /// The conversion to a clean image is linear in the network's output, so guiding the output and
    /// guiding the clean image are the same thing.
    /// </summary>
    public static GuidanceParts Explain(Sampler sampler, UNet model, Tensor xt, int t, Tensor condition, double w)
    {
        using var noGrad = no_grad();
        long batch = xt.shape[0];
        var steps = full([batch], t, int64, device: xt.device);
        var both = model.Predict(cat([xt, xt]), cat([steps, steps]), cat([condition, model.NullCondition(batch)])).chunk(2);
        var conditional = Predictions.ToClean(sampler.Target, sampler.Schedule, xt, both[0], t);
        var unconditional = Predictions.ToClean(sampler.Target, sampler.Schedule, xt, both[1], t);
        var difference = conditional - unconditional;
        return new GuidanceParts(t, xt, conditional, unconditional, difference, unconditional + w * difference);
    }
}
