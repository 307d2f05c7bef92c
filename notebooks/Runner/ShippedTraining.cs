// --train-shipped NAME: trains one of the models the workbook ships, in this process, with the
// record the notebooks ask for, measures it and writes data/checkpoints/NAME.bin and NAME.json.
// Takes minutes to an hour on a laptop CPU; never part of CI.
using Workbook.Classroom;
using Workbook.Training;

namespace Workbook.Runner;

static class ShippedTraining
{
    public static int Run(string? name, int? threads = null)
    {
        if (!IsShipped(name, "--train-shipped")) return 1;
        Workbook.Runtime.TorchRuntime.EnsureLoaded();
        if (threads is int n) TorchSharp.torch.set_num_threads(n);   // two trainings side by side: one thread each
        string partial = ShippedModels.PartialFolder(name!);
        Console.WriteLine($"Training {name} on {Workbook.Runtime.TorchRuntime.Describe()}" + (Directory.Exists(partial)
            ? $", continuing the unfinished training in {partial}" : ""));
        Console.WriteLine("Ctrl+C stops after the current step; a diffusion model's training then keeps its state in " +
            $"{partial} and the same command goes on from there (the other models are short and start over).");
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        CheckpointManifest manifest;
        try { manifest = ShippedModels.TrainAndSave(name!, new ConsoleProgress(), cancel.Token); }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine($"{e.Message} data/checkpoints/{name}.bin and .json are unchanged" +
                (Directory.Exists(partial) ? $"; the state so far is in {partial}." : "."));
            return 130;
        }
        Console.WriteLine($"wrote data/checkpoints/{name}.bin after {manifest.TrainingSeconds / 60:F1} min");
        foreach (var (metric, value) in manifest.Metrics) Console.WriteLine($"  {metric} = {value:F3}");
        return 0;
    }

    public static int Remeasure(string? name)
    {
        if (!IsShipped(name, "--measure-shipped")) return 1;
        Workbook.Runtime.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(1);   // as the shipped models were trained; the manifest records it
        var manifest = ShippedModels.Remeasure(name!);
        foreach (var (metric, value) in manifest.Metrics) Console.WriteLine($"  {metric} = {value:F3}");
        return 0;
    }

    static bool IsShipped(string? name, string option)
    {
        if (name is not null && ShippedModels.Names.Contains(name)) return true;
        Console.Error.WriteLine($"{option} needs one of: {string.Join(", ", ShippedModels.Names)}.");
        return false;
    }

    /// <summary>A line a minute, enough for a long run in a terminal or a log.</summary>
    sealed class ConsoleProgress : IProgress<TrainingProgress>
    {
        TimeSpan last = TimeSpan.Zero;
        public void Report(TrainingProgress p)
        {
            if (p.Elapsed - last < TimeSpan.FromMinutes(1) && p.Step != p.Steps && !p.Cancelled) return;
            last = p.Elapsed;
            Console.WriteLine($"  step {p.Step}/{p.Steps}  loss {p.Loss:F4}  {p.StepsPerSecond:F1} steps/s  " +
                              (p.Cancelled ? "cancelled" : $"{p.Remaining.TotalMinutes:F0} min left") + $"  skipped {p.Skipped}");
        }
    }
}
