// Training data for a denoising network: a clean batch, a random step per example, the noisy
// input x_t and the label for the chosen prediction target. Chapter 7.
using static TorchSharp.torch;

namespace Workbook.Diffusion;

/// <summary>One training batch: the network sees (Xt, T) and should output Target.</summary>
public sealed record DenoisingBatch(Tensor Xt, Tensor T, Tensor Target);

public static class TrainingExamples
{
    /// <summary>
    /// Puts each image of <paramref name="x0"/> (B, C, H, W) at its own random step t and returns
    /// the network's input and label. For <see cref="PredictionTarget.PreviousSample"/> the label is
    /// x_{t-1}, drawn by running the forward process to t-1 and one more step to t, so the label
    /// carries its own noise, exactly as the lecture describes.
    /// </summary>
    public static DenoisingBatch Make(NoiseSchedule schedule, PredictionTarget target, Tensor x0, Generator generator)
    {
        var t = randint(0, schedule.Steps, [x0.shape[0]], generator: generator, device: x0.device);   // (B)
        var eps = randn(x0.shape, generator: generator, device: x0.device);
        if (target != PredictionTarget.PreviousSample)
        {
            var xt = schedule.AddNoise(x0, eps, t);
            return new DenoisingBatch(xt, t, target == PredictionTarget.Noise ? eps : x0);
        }
        var alphaBarBefore = NoiseSchedule.Gather(schedule.AlphaBarsBefore, t, x0);   // (B, 1, 1, 1), 1 where t = 0
        var beta = NoiseSchedule.Gather(schedule.Betas.ToArray(), t, x0);
        var previous = alphaBarBefore.sqrt() * x0 + (1 - alphaBarBefore).sqrt() * eps;   // x_{t-1}
        var step = randn(x0.shape, generator: generator, device: x0.device);
        var current = (1 - beta).sqrt() * previous + beta.sqrt() * step;                  // x_t, one forward step on
        return new DenoisingBatch(current, t, previous);
    }
}
