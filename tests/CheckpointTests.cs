// Checkpoints: a round trip reproduces the model exactly; damage, another config or another
// architecture is refused in words; an interrupted save leaves the previous checkpoint intact.
using Workbook.Models;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

[Collection("serial")]
public class CheckpointTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("checkpoints").FullName;
    record TinyConfig(int Hidden = 8, int Steps = 3);

    public CheckpointTests() => Environment.SetEnvironmentVariable("WORKBOOK_DATA", folder);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("WORKBOOK_DATA", null);
        Directory.Delete(folder, recursive: true);
    }

    static Mlp Build(TinyConfig c) { Seeds.Global(1); return new Mlp(4, c.Hidden, 2); }

    string Saved(TinyConfig config, out Mlp model)
    {
        model = Build(config);
        string path = Checkpoint.PathFor("tiny");
        Checkpoint.Save(model, path, config, "none", 1.5, new Dictionary<string, double> { ["loss"] = 0.25 });
        return path;
    }

    [Fact]
    public void Round_trip_gives_the_same_outputs_and_the_manifest_records_it_all()
    {
        var config = new TinyConfig();
        string path = Saved(config, out var original);
        Seeds.Global(99);
        var copy = new Mlp(4, config.Hidden, 2);   // different initial weights
        var manifest = Checkpoint.Load(copy, path, config);
        var x = ones(3, 4);
        Assert.True(original.forward(x).allclose(copy.forward(x), 0, 0));
        Assert.Equal(0.25, manifest.Metrics["loss"]);
        Assert.Equal(Checkpoint.Sha256Of(path), manifest.Sha256);
        Assert.Contains("layers.0.weight (8, 4)", manifest.Parameters);
    }

    [Fact]
    public void A_changed_byte_is_caught_by_the_checksum()
    {
        string path = Saved(new TinyConfig(), out _);
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 1;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Verify(path));
        Assert.Contains("wrong checksum", e.Message);
        Assert.Contains("git checkout -- data/checkpoints", e.Message);
    }

    [Fact]
    public void Another_architecture_or_config_is_refused_with_the_difference()
    {
        string path = Saved(new TinyConfig(), out _);
        var wider = new Mlp(4, 16, 2);
        Assert.Contains("another architecture: this model has layers.0.weight (16, 4), the checkpoint layers.0.weight (8, 4)",
            Assert.Throws<CheckpointException>(() => Checkpoint.Load(wider, path)).Message);
        Assert.Contains("another config", Assert.Throws<CheckpointException>(() => Checkpoint.Load(Build(new TinyConfig()), path, new TinyConfig(Steps: 4))).Message);
    }

    [Fact]
    public void An_interrupted_save_leaves_the_previous_checkpoint_intact()
    {
        string path = Saved(new TinyConfig(), out _);
        string before = Checkpoint.Sha256Of(path);
        Directory.CreateDirectory(path + ".partial");   // the temporary file cannot be written: the save fails midway
        Assert.ThrowsAny<Exception>(() => Checkpoint.Save(new Mlp(4, 8, 2), path, new TinyConfig(), "none", 1, new Dictionary<string, double>()));
        Assert.Equal(before, Checkpoint.Sha256Of(path));
        Checkpoint.Verify(path);
    }

    [Fact]
    public void LoadOrTrain_loads_a_matching_checkpoint_and_trains_when_the_config_differs_or_on_request()
    {
        Saved(new TinyConfig(), out _);
        int trainings = 0;
        TrainingHistory Train(Mlp m) { trainings++; return new TrainingHistory([1.0], TimeSpan.FromSeconds(1)); }

        var (_, loaded) = Checkpoint.LoadOrTrain("tiny", new TinyConfig(), () => Build(new TinyConfig()), Train);
        Assert.True(loaded.FromCheckpoint);
        var (_, trained) = Checkpoint.LoadOrTrain("tiny", new TinyConfig(Steps: 9), () => Build(new TinyConfig()), Train);
        Assert.False(trained.FromCheckpoint);
        Assert.Contains("config differs", trained.Description);
        var (_, forced) = Checkpoint.LoadOrTrain("tiny", new TinyConfig(), () => Build(new TinyConfig()), Train, retrain: true);
        Assert.False(forced.FromCheckpoint);
        Assert.Equal(2, trainings);
    }

    [Fact]
    public void LoadOrTrain_says_when_the_training_it_ran_was_cancelled()
    {
        var (_, source) = Checkpoint.LoadOrTrain("never-shipped", new TinyConfig(), () => Build(new TinyConfig()),
            _ => new TrainingHistory([1.0, 0.5], TimeSpan.FromSeconds(3), StepsPlanned: 300, Cancelled: true));
        Assert.False(source.FromCheckpoint);
        Assert.Contains("cancelled at step 2 of 300", source.Description);
        Assert.DoesNotContain("trained never-shipped now", source.Description);
    }

    [Fact]
    public void A_shipped_model_whose_training_is_cancelled_is_not_saved()
    {
        string mnist = Path.Combine(Workbook.Runner.NotebookRun.RepositoryRoot(), "data", "mnist");
        Directory.CreateDirectory(Path.Combine(folder, "mnist"));
        foreach (string file in Directory.GetFiles(mnist, "train-*")) File.Copy(file, Path.Combine(folder, "mnist", Path.GetFileName(file)));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var e = Assert.Throws<OperationCanceledException>(() => Workbook.Classroom.ShippedModels.TrainAndSave(Workbook.Classroom.ShippedModels.AnyOrderName, cancellation: cancel.Token));
        Assert.Contains("cancelled at step 0 of 2500", e.Message);
        Assert.False(File.Exists(Checkpoint.PathFor(Workbook.Classroom.ShippedModels.AnyOrderName)));
    }

    [Fact]
    public void A_loaded_checkpoint_brings_the_loss_curve_it_was_trained_with()
    {
        var config = new TinyConfig();
        Checkpoint.Save(Build(config), Checkpoint.PathFor("tiny"), config, "none", 12.34, new Dictionary<string, double>(), [0.9, 0.5123456, 0.25]);
        var (_, source) = Checkpoint.LoadOrTrain("tiny", config, () => Build(config), _ => throw new InvalidOperationException("should not train"));
        Assert.Equal([0.9, 0.51235, 0.25], source.History!.Losses);   // stored to five decimals
        Assert.Equal(12.3, source.History.Elapsed.TotalSeconds, 6);
    }

    [Fact]
    public void A_checkpoint_saved_without_losses_loads_with_an_empty_curve_and_its_training_time()
    {
        Saved(new TinyConfig(), out _);
        var (_, source) = Checkpoint.LoadOrTrain("tiny", new TinyConfig(), () => Build(new TinyConfig()), _ => throw new InvalidOperationException("should not train"));
        Assert.True(source.FromCheckpoint);
        Assert.NotNull(source.History);
        Assert.Empty(source.History.Losses);
        Assert.Equal(1.5, source.History.Elapsed.TotalSeconds, 6);
        Assert.Contains("no losses recorded", Plotly.NET.GenericChart.toJson(Workbook.Display.Charts.Loss(source.History.Losses)));   // the chart copes
    }

    [Fact]
    public void A_failed_manifest_write_leaves_the_previous_pair_intact_and_no_temporary_file()
    {
        string path = Saved(new TinyConfig(), out _);
        string weightsBefore = Checkpoint.Sha256Of(path), manifestBefore = File.ReadAllText(Checkpoint.ManifestPath(path));
        string blocked = Checkpoint.ManifestPath(path) + ".partial";
        Directory.CreateDirectory(blocked);   // the manifest's temporary file cannot be written: the save fails after the weights
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Save(new Mlp(4, 8, 2), path, new TinyConfig(Steps: 5), "none", 1, new Dictionary<string, double>()));
        Assert.Contains("previous checkpoint is unchanged", e.Message);
        Assert.Equal(weightsBefore, Checkpoint.Sha256Of(path));
        Assert.Equal(manifestBefore, File.ReadAllText(Checkpoint.ManifestPath(path)));
        Directory.Delete(blocked);
        Assert.Equal(["tiny.bin", "tiny.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(f => Path.GetFileName(f)!).Order().ToArray());
        Checkpoint.Load(Build(new TinyConfig()), path, new TinyConfig());
    }

    [Fact]
    public void A_manifest_whose_weights_are_missing_is_reported_not_silently_retrained()
    {
        string path = Saved(new TinyConfig(), out _);
        File.Delete(path);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.LoadOrTrain("tiny", new TinyConfig(), () => Build(new TinyConfig()), _ => throw new InvalidOperationException("should not train")));
        Assert.Contains("tiny.bin: the weights file is missing", e.Message);
        Assert.Contains("git checkout -- data/checkpoints", e.Message);
        Assert.Contains("Retrain = true", e.Message);
    }

    /// <summary>Replaces the weights with other bytes and writes their checksum into the manifest, as a careless copy would.</summary>
    static void ReplaceWeights(string path, byte[] bytes)
    {
        string old = Checkpoint.Sha256Of(path);
        File.WriteAllBytes(path, bytes);
        string manifest = Checkpoint.ManifestPath(path);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(old, Checkpoint.Sha256Of(path)));
    }

    [Fact]
    public void Weights_replaced_with_a_matching_checksum_but_unreadable_are_refused_naming_the_file()
    {
        string path = Saved(new TinyConfig(), out _);
        ReplaceWeights(path, File.ReadAllBytes(path)[..40]);   // cut short
        var truncated = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Build(new TinyConfig()), path, new TinyConfig()));
        Assert.Contains("tiny.bin: the weights do not fit this model", truncated.Message);

        string other = Path.Combine(folder, "other.bin");
        Checkpoint.Save(new Mlp(4, 8, 2, hiddenLayers: 1), other, new TinyConfig(), "none", 1, new Dictionary<string, double>());
        ReplaceWeights(path, File.ReadAllBytes(other));        // another architecture's weights
        var mismatched = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Build(new TinyConfig()), path, new TinyConfig()));
        Assert.Contains("tiny.bin: the weights do not fit this model", mismatched.Message);
    }

    [Fact]
    public void A_config_mismatch_names_the_keys_that_differ_with_both_values()
    {
        string path = Saved(new TinyConfig(), out _);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(Build(new TinyConfig()), path, new TinyConfig(Hidden: 8, Steps: 4)));
        Assert.Contains("Steps = 3 in the checkpoint, 4 asked for", e.Message);
        Assert.DoesNotContain("Hidden", e.Message);
        var (_, source) = Checkpoint.LoadOrTrain("tiny", new TinyConfig(Steps: 9), () => Build(new TinyConfig()), _ => new TrainingHistory([1.0], TimeSpan.FromSeconds(1)));
        Assert.Contains("Steps = 3 in the checkpoint, 9 asked for", source.Description);
    }
}
