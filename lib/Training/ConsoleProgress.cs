// Training progress as a line of text: a bar, the step, the loss, the speed and the time left.
// Console programs and tests print it every few seconds; the notebook kernel's Notebook.Progress
// (notebooks/Kernel) shows the same line updating in place. Chapter 1.
namespace Workbook.Training;

public sealed class ConsoleProgress(string title = "training") : IProgress<TrainingProgress>
{
    DateTime last = DateTime.MinValue;

    public void Report(TrainingProgress value)
    {
        if (value.Step != value.Steps && !value.Cancelled && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
        last = DateTime.UtcNow;
        Console.WriteLine(Line(title, value));
    }

    /// <summary>"title [####......] step 40/100  loss 0.0512  12.3 steps/s  ~5 s left".</summary>
    public static string Line(string title, TrainingProgress p)
    {
        int filled = (int)Math.Round(20.0 * p.Step / p.Steps);
        return $"{title} [{new string('#', filled)}{new string('.', 20 - filled)}] step {p.Step}/{p.Steps}  loss {p.Loss:G4}  " +
               $"{p.StepsPerSecond:F1} steps/s  " +
               (p.Cancelled ? $"cancelled at step {p.Step} of {p.Steps} after {p.Elapsed.TotalSeconds:F1} s"
                : p.Step == p.Steps ? $"done in {p.Elapsed.TotalSeconds:F1} s" : $"~{p.Remaining.TotalSeconds:F0} s left") +
               (p.Skipped > 0 ? $"  ({p.Skipped} steps skipped: non-finite gradients)" : "");
    }
}
