// A long training that can stop and go on. Trainer.Fit saves the whole state of a training into a
// folder every few minutes and when it is cancelled: the weights, the optimiser's moments, the weight
// average, the batch generator's state, the step reached and the losses so far. A Fit given a folder
// that holds such a state starts from it, and ends with the same weights as an uninterrupted run with
// the same seed. The shipped models use it (--train-shipped continues a partial run).
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>The state of a training between two runs: which step comes next, the losses so far, the seconds spent.</summary>
public sealed record ResumeState(string Record, int NextStep, List<double> Losses, double Seconds, int Skipped);

/// <summary>
/// Where and how often a training keeps its state, and which parts of it live outside the optimiser:
/// the model, the batch generator and (when there is one) the weight average. <paramref name="record"/> is the
/// training's record as text; a state saved for another record is refused rather than continued.
/// </summary>
public sealed class TrainingResume(string folder, TimeSpan every, string record, nn.Module model, Generator generator, WeightAverage? average = null)
{
    TimeSpan lastSave;

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>True when the folder holds a state to continue from.</summary>
    public bool HasState => File.Exists(Path.Combine(Folder, StateFile));

    /// <summary>Loads the saved state into the model, optimiser, average and generator; null when there is none.</summary>
    public ResumeState? Restore(optim.Optimizer optimizer)
    {
        if (!HasState) return null;
        var state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(Path.Combine(Folder, StateFile)))
            ?? throw new InvalidDataException($"{Folder}: {StateFile} is empty.");
        if (state.Record != record)
            throw new InvalidOperationException($"{Folder} holds a training of another record; delete the folder to start afresh. Saved: {state.Record}; asked for: {record}.");
        model.load(Path.Combine(Folder, "model.bin"));
        Helper(optimizer).load_state_dict(Path.Combine(Folder, "optimizer.bin"));
        average?.Load(Path.Combine(Folder, "average.bin"));
        // a generator's state is a byte tensor on the CPU, whatever device the generator draws for
        generator.set_state(tensor(File.ReadAllBytes(Path.Combine(Folder, "generator.bin")), dtype: uint8, device: CPU));
        return state;
    }

    /// <summary>True when <see cref="Every"/> has passed since the last save (measured on the training's own clock).</summary>
    public bool Due(TimeSpan elapsed) => elapsed - lastSave >= every;

    /// <summary>
    /// Writes the state after a step: into a fresh folder first, then swapped in, so an interrupted save leaves the
    /// previous state intact.
    /// </summary>
    public void Save(optim.Optimizer optimizer, int nextStep, IReadOnlyList<double> losses, TimeSpan elapsed, double earlierSeconds, int skipped)
    {
        lastSave = elapsed;
        string fresh = Folder + ".new", old = Folder + ".old";
        if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        Directory.CreateDirectory(fresh);
        model.save(Path.Combine(fresh, "model.bin"));
        Helper(optimizer).save_state_dict(Path.Combine(fresh, "optimizer.bin"));
        average?.Save(Path.Combine(fresh, "average.bin"));
        File.WriteAllBytes(Path.Combine(fresh, "generator.bin"), generator.get_state().data<byte>().ToArray());
        var state = new ResumeState(record, nextStep, [.. losses], earlierSeconds + elapsed.TotalSeconds, skipped);
        File.WriteAllText(Path.Combine(fresh, StateFile), JsonSerializer.Serialize(state));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(Folder)) Directory.Move(Folder, old);
        Directory.Move(fresh, Folder);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Removes the saved state (after the training finished and its result is saved).</summary>
    public void Clear()
    {
        foreach (var path in new[] { Folder, Folder + ".new", Folder + ".old" })
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    const string StateFile = "state.json";

    // TorchSharp's own optimisers (Adam, AdamW, SGD, ...) can write and read their state; a custom one cannot.
    static OptimizerHelper Helper(optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new ArgumentException($"a {optimizer.GetType().Name} cannot save its state; resumable training needs one of TorchSharp's optimisers.");
}
