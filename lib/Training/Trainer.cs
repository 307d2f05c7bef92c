// The one small training loop every chapter uses: a model, an optimiser, a function that returns
// the loss of step i, and a progress callback. Each step runs in its own dispose scope, so native
// memory stays flat however long it trains. Introduced in chapter 1.
using System.Diagnostics;
using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>How far training has come: reported to the progress callback every so often, and once more at the end (Cancelled when it stopped early).</summary>
public sealed record TrainingProgress(int Step, int Steps, double Loss, TimeSpan Elapsed, int Skipped = 0, bool Cancelled = false)
{
    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed / Step * (Steps - Step);
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? Step / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// The loss after every step, the wall-clock time training took, how many steps were skipped because their
/// gradients were not finite (see <see cref="Trainer.Fit"/>), how many steps were asked for, and whether
/// training was cancelled before it ran them all (then Losses.Count is the number it completed).
/// </summary>
public sealed record TrainingHistory(IReadOnlyList<double> Losses, TimeSpan Elapsed, int SkippedSteps = 0, int StepsPlanned = 0, bool Cancelled = false)
{
    /// <summary>Mean loss of the last <paramref name="n"/> steps: a steadier number than the last loss alone.</summary>
    public double FinalLoss(int n = 20) => Losses.Count == 0 ? double.NaN : Losses.TakeLast(n).Average();

    /// <summary>"cancelled at step 10 of 1000 after 3 s" (only meaningful when Cancelled).</summary>
    public string CancelledAt => $"cancelled at step {Losses.Count} of {StepsPlanned} after {Elapsed.TotalSeconds:F0} s";

    /// <summary>
    /// Throws an OperationCanceledException when training was cancelled, so a partly trained model is never saved
    /// as a finished one; returns this history otherwise. <paramref name="what"/> names the model, e.g. "anyorder-mnist14".
    /// </summary>
    public TrainingHistory ThrowIfCancelled(string what) => !Cancelled ? this
        : throw new OperationCanceledException($"{what}: training was {CancelledAt}; a partly trained model is not saved as a finished one. Train again and let it finish.");
}

public static class Trainer
{
    /// <summary>Consecutive steps with non-finite gradients after which training stops with a message.</summary>
    public const int MaxConsecutiveSkips = 20;

    /// <summary>
    /// Runs <paramref name="steps"/> optimisation steps. <paramref name="lossAt"/> builds the loss of
    /// step i (draw a batch, run the model, compare with the target). Cancelling stops after the
    /// current step; the model and optimiser are then consistent and training can be resumed. The history
    /// then says Cancelled, and the progress callback gets one last report saying so.
    /// A step whose gradients contain NaN or infinity is not applied (the weights stay as they were), so
    /// one bad batch cannot wreck a model (TorchSharp 0.107's native convolution produced such gradients,
    /// see <see cref="Models.ExactConv2d"/>). Many in a row mean real divergence and stop training with a
    /// message. <paramref name="afterStep"/> runs after every applied
    /// step (e.g. <see cref="WeightAverage.Update"/>). With <paramref name="resume"/> the training saves its state
    /// every so often and when cancelled, and starts from a state it finds there (the history then covers all
    /// steps, earlier runs' included).
    /// </summary>
    public static TrainingHistory Fit(
        optim.Optimizer optimizer,
        int steps,
        Func<int, Tensor> lossAt,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default,
        Action? afterStep = null,
        TrainingResume? resume = null)
    {
        Runtime.Check.Positive("steps", steps);
        var losses = new List<double>(Math.Min(steps, 100_000));   // grows past that: never reserve for steps not run
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var parameters = optimizer.parameters().ToList();
        int skipped = 0, skippedInARow = 0, first = 0;
        double earlierSeconds = 0;
        if (resume?.Restore(optimizer) is { } restored)
        {
            if (restored.NextStep > steps)
                throw new InvalidOperationException($"{resume.Folder} is at step {restored.NextStep}, past the {steps} steps asked for.");
            (first, skipped, earlierSeconds) = (restored.NextStep, restored.Skipped, restored.Seconds);
            losses.AddRange(restored.Losses);
        }
        var elapsed = () => clock.Elapsed + TimeSpan.FromSeconds(earlierSeconds);
        for (int step = first; step < steps && !cancellation.IsCancellationRequested; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = lossAt(step);
            double value = loss.item<float>();
            if (double.IsNaN(value) || double.IsInfinity(value))
                throw new InvalidOperationException($"training diverged at step {step}: the loss is {value}. Lower the learning rate and train again.");
            loss.backward();
            if (GradientsAreFinite(parameters))
            {
                optimizer.step();
                afterStep?.Invoke();
                skippedInARow = 0;
            }
            else
            {
                skipped++;
                if (++skippedInARow >= MaxConsecutiveSkips)
                    throw new InvalidOperationException($"training diverged at step {step}: {MaxConsecutiveSkips} steps in a row had non-finite gradients. Lower the learning rate and train again.");
            }
            losses.Add(value);
            if (resume is not null && step < steps - 1 && resume.Due(clock.Elapsed))
                resume.Save(optimizer, step + 1, losses, clock.Elapsed, earlierSeconds, skipped);

            // Report about four times a second, and always at the end.
            if (progress is not null && (clock.Elapsed - lastReport > TimeSpan.FromSeconds(0.25) || step == steps - 1))
            {
                lastReport = clock.Elapsed;
                progress.Report(new TrainingProgress(step + 1, steps, value, elapsed(), skipped));
            }
        }
        bool cancelled = losses.Count < steps;   // the loop ends early only when cancelled
        if (cancelled)
        {
            resume?.Save(optimizer, losses.Count, losses, clock.Elapsed, earlierSeconds, skipped);
            progress?.Report(new TrainingProgress(losses.Count, steps, losses.Count > 0 ? losses[^1] : double.NaN, elapsed(), skipped, Cancelled: true));
        }
        return new TrainingHistory(losses, elapsed(), skipped, steps, cancelled);
    }

    static bool GradientsAreFinite(IReadOnlyList<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        var checks = parameters.Where(p => p.grad is not null).Select(p => isfinite(p.grad!).all()).ToList();
        return checks.Count == 0 || stack(checks).all().item<bool>();
    }
}
