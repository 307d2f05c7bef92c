// What the denoising network is trained to output, and the conversions between the three choices:
// the noise eps, the clean image x0, or the slightly less noisy image of the previous step. Chapter 7.
// Every conversion holds for one step t, scalar: samplers call them once per step.
using static TorchSharp.torch;

namespace Workbook.Diffusion;

public enum PredictionTarget
{
    /// <summary>The noise eps that was mixed into x_t (Ho et al. 2020).</summary>
    Noise,
    /// <summary>The clean image x0 itself.</summary>
    CleanImage,
    /// <summary>x_{t-1}, the image one forward step less noisy; its best guess is the posterior mean.</summary>
    PreviousSample,
}

public static class Predictions
{
    /// <summary>x0 = (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t): eq. 4 of Ho et al. solved for x0.</summary>
    public static Tensor CleanFromNoise(NoiseSchedule schedule, Tensor xt, Tensor eps, int t)
    {
        double alphaBar = schedule.AlphaBar(t);
        return (xt - Math.Sqrt(1 - alphaBar) * eps) / Math.Sqrt(alphaBar);
    }

    /// <summary>eps = (x_t - sqrt(alphaBar_t) x0) / sqrt(1 - alphaBar_t): the same equation solved for eps.</summary>
    public static Tensor NoiseFromClean(NoiseSchedule schedule, Tensor xt, Tensor x0, int t)
    {
        double alphaBar = schedule.AlphaBar(t);
        return (xt - Math.Sqrt(alphaBar) * x0) / Math.Sqrt(1 - alphaBar);
    }

    /// <summary>
    /// The two weights of the posterior mean (Ho et al. 2020, eq. 7):
    /// mean of x_{t-1} given x_t and x0 = a x0 + b x_t.
    /// </summary>
    public static (double A, double B) PosteriorWeights(NoiseSchedule schedule, int t)
    {
        double alphaBar = schedule.AlphaBar(t), alphaBarBefore = schedule.AlphaBar(t - 1);
        double beta = schedule.Betas[t], alpha = schedule.Alphas[t];
        return (Math.Sqrt(alphaBarBefore) * beta / (1 - alphaBar), Math.Sqrt(alpha) * (1 - alphaBarBefore) / (1 - alphaBar));
    }

    /// <summary>The mean of x_{t-1} given x_t and a clean image x0 (eq. 7).</summary>
    public static Tensor PreviousFromClean(NoiseSchedule schedule, Tensor xt, Tensor x0, int t)
    {
        var (a, b) = PosteriorWeights(schedule, t);
        return a * x0 + b * xt;
    }

    /// <summary>Eq. 7 solved for x0: the clean image that makes <paramref name="previous"/> the posterior mean.</summary>
    public static Tensor CleanFromPrevious(NoiseSchedule schedule, Tensor xt, Tensor previous, int t)
    {
        var (a, b) = PosteriorWeights(schedule, t);
        return (previous - b * xt) / a;
    }

    /// <summary>Whatever the network predicts, the clean image it implies at step t.</summary>
    public static Tensor ToClean(PredictionTarget target, NoiseSchedule schedule, Tensor xt, Tensor output, int t) => target switch
    {
        PredictionTarget.Noise => CleanFromNoise(schedule, xt, output, t),
        PredictionTarget.CleanImage => output,
        PredictionTarget.PreviousSample => CleanFromPrevious(schedule, xt, output, t),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown prediction target"),
    };
}
