// What every diffusion sampler shares: the steps it visits, one Step that turns the network's
// output into the previous sample, and the loop that starts from pure noise. Chapter 7.
// The sampler never calls the network itself inside Step, and the network never sees the schedule.
using System.Diagnostics;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Diffusion;

/// <summary>One sampler step's result: x at the next step visited, and the clean image the network's output implies.</summary>
public sealed record SamplerStep(Tensor Previous, Tensor PredictedX0);

/// <summary>The state at one visited step t: the input x_t and the network's clean-image estimate.</summary>
public sealed record Snapshot(int T, Tensor Xt, Tensor PredictedX0);

/// <summary>Generated images (B, C, H, W), a few snapshots along the way, how many network calls it took and how long.</summary>
public sealed record SamplingRun(Tensor Images, IReadOnlyList<Snapshot> Snapshots, int Evaluations, TimeSpan Elapsed);

public abstract class Sampler(NoiseSchedule schedule, PredictionTarget target, bool clipX0)
{
    public NoiseSchedule Schedule { get; } = schedule;
    public PredictionTarget Target { get; } = target;

    /// <summary>When true the clean-image estimate is clipped to the data range [-1, 1] (Ho et al. do this).</summary>
    public bool ClipX0 { get; } = clipX0;

    /// <summary>The steps visited, in order, from the noisiest (near T-1) down to 0.</summary>
    public abstract IReadOnlyList<int> Timesteps { get; }

    /// <summary>Given the network's output at step t for x_t, returns x at the next visited step and the predicted x0.</summary>
    public abstract SamplerStep Step(Tensor modelOutput, int t, Tensor xt, Generator? generator);

    /// <summary>The step visited after t, or -1 (the clean image) after the last one.</summary>
    protected int NextAfter(int t)
    {
        var steps = Timesteps;
        for (int i = 0; i < steps.Count - 1; i++) if (steps[i] == t) return steps[i + 1];
        return -1;
    }

    /// <summary>The network's output turned into a clean image, clipped if asked.</summary>
    protected Tensor PredictX0(Tensor modelOutput, int t, Tensor xt)
    {
        var x0 = Predictions.ToClean(Target, Schedule, xt, modelOutput, t);
        return ClipX0 ? x0.clamp(-1, 1) : x0;
    }

    /// <summary>
    /// Starts from pure noise of <paramref name="shape"/> (or from <paramref name="start"/>, an x_T of that shape,
    /// when given) and walks every visited step: output = model(x_t, t as a (B) int64 tensor), then Step. Keeps
    /// <paramref name="snapshots"/> evenly spaced states (0 = none) for showing the process as a strip.
    /// </summary>
    public SamplingRun Generate(Func<Tensor, Tensor, Tensor> model, long[] shape, Generator generator, int snapshots = 0, Tensor? start = null)
    {
        if (shape.Length == 0) throw new ArgumentException("shape: give the batch's shape, (B, C, H, W).");
        if (start is not null && !start.shape.SequenceEqual(shape))
            throw new ArgumentException($"start has shape ({string.Join(", ", start.shape)}); the batch is ({string.Join(", ", shape)}).");
        MemoryBudget.CheckShape("Sampler.Generate", shape);
        var clock = Stopwatch.StartNew();
        var steps = Timesteps;
        var keep = snapshots <= 0 ? new HashSet<int>()
            : Enumerable.Range(0, Math.Min(snapshots, steps.Count)).Select(i => snapshots == 1 ? 0 : (int)Math.Round(i * (steps.Count - 1.0) / (Math.Min(snapshots, steps.Count) - 1))).ToHashSet();
        var kept = new List<Snapshot>();
        int evaluations = 0;
        var x = start?.to(TorchRuntime.Device).clone() ?? randn(shape, generator: generator, device: TorchRuntime.Device);
        using (no_grad())
        {
            for (int i = 0; i < steps.Count; i++)
            {
                using var scope = NewDisposeScope();
                int t = steps[i];
                var output = model(x, full([shape[0]], t, int64, device: x.device));
                evaluations++;
                var step = Step(output, t, x, generator);
                if (keep.Contains(i)) kept.Add(new Snapshot(t, x.clone().MoveToOuterDisposeScope(), step.PredictedX0.clone().MoveToOuterDisposeScope()));
                var next = step.Previous.MoveToOuterDisposeScope();
                x.Dispose();                                                 // free each step's image now, not at the next garbage collection
                x = next;
            }
        }
        return new SamplingRun(x, kept, evaluations, clock.Elapsed);
    }
}
