// The chapters' display entry points for a plain C# program, the counterpart of notebooks/Kernel/Notebook.cs:
// a chapter exported by the runner as a .NET 10 file-based app (out/scripts/) calls the same Notebook.Setup
// and Notebook.Progress, so its cells compile unchanged without a notebook kernel.
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Display;

public static class Notebook
{
    /// <summary>Loads torch and says which device runs, as the notebook's first cell does.</summary>
    public static string Setup()
    {
        TorchRuntime.EnsureLoaded();
        return TorchRuntime.Describe();
    }

    /// <summary>
    /// A progress reporter for training: a plain line every few seconds and at the end; with
    /// <paramref name="lossChart"/>, the finished loss chart is displayed too (written as a file).
    /// </summary>
    public static IProgress<TrainingProgress> Progress(string title = "training", bool lossChart = false) =>
        lossChart ? new ProgressWithChart(title) : new ConsoleProgress(title);

    sealed class ProgressWithChart(string title) : IProgress<TrainingProgress>
    {
        readonly ConsoleProgress line = new(title);
        readonly List<double> losses = [];

        public void Report(TrainingProgress p)
        {
            line.Report(p);
            losses.Add(p.Loss);
            if (p.Step == p.Steps || p.Cancelled) ScriptDisplay.Show(Charts.Loss(losses, $"{title}: loss"), title + " loss");
        }
    }
}
