// The ancestral DDPM sampler (Ho et al. 2020, algorithm 2): visits every step T-1 .. 0 and draws
// x_{t-1} from a Gaussian around the posterior mean. Chapter 7.
using static TorchSharp.torch;

namespace Workbook.Diffusion;

public sealed class DdpmSampler(NoiseSchedule schedule, PredictionTarget target, bool clipX0 = true) : Sampler(schedule, target, clipX0)
{
    readonly int[] timesteps = Enumerable.Range(0, schedule.Steps).Reverse().ToArray();

    public override IReadOnlyList<int> Timesteps => timesteps;

    /// <summary>
    /// sigma_t^2 = (1 - alphaBar_{t-1}) / (1 - alphaBar_t) beta_t, the variance of x_{t-1} given x_t and x0
    /// (eq. 7's beta tilde); 0 at t = 0. For T = 1000, 1e-4..0.02: sigma^2 at 487 is about 0.00979, at 999 about 0.02.
    /// </summary>
    public double PosteriorVariance(int t) => (1 - Schedule.AlphaBar(t - 1)) / (1 - Schedule.AlphaBar(t)) * Schedule.Betas[t];

    /// <summary>
    /// x_{t-1} = posterior mean(x_t, x0) + sigma_t z, with sigma_t^2 = (1 - alphaBar_{t-1}) / (1 - alphaBar_t) beta_t
    /// (eqs. 6-7); no noise is added at t = 0, where sigma is 0.
    /// </summary>
    public override SamplerStep Step(Tensor modelOutput, int t, Tensor xt, Generator? generator)
    {
        var x0 = PredictX0(modelOutput, t, xt);
        var mean = Predictions.PreviousFromClean(Schedule, xt, x0, t);
        double variance = PosteriorVariance(t);
        if (variance <= 0) return new SamplerStep(mean, x0);
        var z = randn(xt.shape, generator: generator, device: xt.device);
        return new SamplerStep(mean + Math.Sqrt(variance) * z, x0);
    }
}
