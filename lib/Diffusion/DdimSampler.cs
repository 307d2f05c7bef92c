// The deterministic DDIM sampler (Song et al. 2021, eq. 12 with eta = 0): visits only a few
// evenly spaced steps and moves x straight from one to the next, adding no fresh noise. Chapter 7.
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Diffusion;

public sealed class DdimSampler : Sampler
{
    readonly int[] timesteps;

    /// <param name="steps">how many network evaluations (1 .. T); steps are spaced T/steps apart, ending at the last one ("trailing")</param>
    public DdimSampler(NoiseSchedule schedule, PredictionTarget target, int steps, bool clipX0 = true) : base(schedule, target, clipX0)
    {
        Check.InRange("steps", steps, 1, schedule.Steps);
        timesteps = Enumerable.Range(0, steps)
            .Select(i => (int)Math.Round(schedule.Steps - i * (double)schedule.Steps / steps) - 1)
            .ToArray();   // e.g. T = 1000, 10 steps: 999, 899, ..., 99
    }

    public override IReadOnlyList<int> Timesteps => timesteps;

    /// <summary>
    /// x_prev = sqrt(alphaBar_prev) x0 + sqrt(1 - alphaBar_prev) eps, where eps is the noise that, with x0,
    /// explains x_t: the image keeps its noise and only the mix changes.
    /// </summary>
    public override SamplerStep Step(Tensor modelOutput, int t, Tensor xt, Generator? generator)
    {
        var x0 = PredictX0(modelOutput, t, xt);
        var eps = Predictions.NoiseFromClean(Schedule, xt, x0, t);
        double alphaBarPrevious = Schedule.AlphaBar(NextAfter(t));
        return new SamplerStep(Math.Sqrt(alphaBarPrevious) * x0 + Math.Sqrt(1 - alphaBarPrevious) * eps, x0);
    }
}
