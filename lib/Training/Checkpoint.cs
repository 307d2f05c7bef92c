// Trained models shipped with the workbook (data/checkpoints/NAME.bin + NAME.json), so a class sees
// full-quality results in seconds. The manifest records the config, dataset, seed, training time,
// the metrics reached and the weights' SHA-256; loading checks all of it and says clearly what is wrong.
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbook.Data;
using static TorchSharp.torch;

namespace Workbook.Training;

/// <summary>What the JSON beside a weights file says about it.</summary>
public sealed record CheckpointManifest(
    string Name,                                   // file name without extension, e.g. "07-noise-predictor"
    JsonNode Config,                               // the hyperparameter record the model was built and trained with
    string Dataset,                                // what it was trained on
    double TrainingSeconds,                        // wall-clock training time on the machine that trained it
    IReadOnlyDictionary<string, double> Metrics,   // numbers it reached, e.g. test loss, metric at 50 steps
    IReadOnlyList<string> Parameters,              // "name (shape)" of every parameter: the architecture
    string Sha256,                                 // of the weights file, lowercase hex
    string Machine,                                // where it was trained
    IReadOnlyList<double>? Losses = null);         // the loss of every training step, so a loaded model can still show its curve

/// <summary>A checkpoint that is missing, damaged, or made for another model or config.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;
}

/// <summary>Where a model came from: a shipped checkpoint or training just now; History is never null (a checkpoint without a loss curve gives an empty one).</summary>
public sealed record ModelSource(bool FromCheckpoint, string Description, CheckpointManifest? Manifest, TrainingHistory History);

public static class Checkpoint
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>data/checkpoints/NAME.bin</summary>
    public static string PathFor(string name) => Path.Combine(DataFolder.Locate(), "checkpoints", name + ".bin");

    public static string ManifestPath(string weights) => Path.ChangeExtension(weights, ".json");

    /// <summary>The architecture as text: every parameter's name and shape.</summary>
    public static IReadOnlyList<string> Describe(nn.Module model) =>
        model.named_parameters().Select(p => $"{p.name} ({string.Join(", ", p.parameter.shape)})").ToList();

    public static JsonNode ConfigJson(object config) => JsonSerializer.SerializeToNode(config, config.GetType())!;

    /// <summary>
    /// Writes weights and manifest as a pair: both to temporary files first, then both renamed into place. A save that
    /// fails or is interrupted leaves the previous pair intact. Returns the manifest written.
    /// </summary>
    public static CheckpointManifest Save(nn.Module model, string weightsPath, object config, string dataset, double trainingSeconds,
        IReadOnlyDictionary<string, double> metrics, IReadOnlyList<double>? losses = null)
    {
        CheckpointManifest? manifest = null;
        WritePair(weightsPath, temporary => model.save(temporary), weights =>
        {
            manifest = new CheckpointManifest(Path.GetFileNameWithoutExtension(weightsPath), ConfigJson(config), dataset, Math.Round(trainingSeconds, 1),
                metrics, Describe(model), Sha256Of(weights), $"{Environment.ProcessorCount} cores, {get_num_threads()} torch threads, {Environment.OSVersion}",
                losses?.Select(loss => Math.Round(loss, 5)).ToList());
            return JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        });
        return manifest!;
    }

    /// <summary>
    /// Writes NAME.bin (by <paramref name="writeWeights"/>) and NAME.json (the bytes <paramref name="manifestFor"/> makes from the
    /// written weights) to temporaries, then renames both into place; the old weights are kept aside until the manifest is in
    /// place, and put back if it cannot be. On failure no temporary is left and a CheckpointException names the file.
    /// </summary>
    internal static void WritePair(string weightsPath, Action<string> writeWeights, Func<string, byte[]> manifestFor)
    {
        string weights = Path.GetFullPath(weightsPath), manifest = ManifestPath(weights);
        string weightsTemporary = weights + ".partial", manifestTemporary = manifest + ".partial", previous = weights + ".previous";
        string stage = weights;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
            writeWeights(weightsTemporary);
            stage = manifest;
            File.WriteAllBytes(manifestTemporary, manifestFor(weightsTemporary));
            if (File.Exists(weights)) File.Move(weights, previous, overwrite: true);
            File.Move(weightsTemporary, weights);
            try { File.Move(manifestTemporary, manifest, overwrite: true); }
            catch
            {
                if (File.Exists(previous)) File.Move(previous, weights, overwrite: true);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new CheckpointException(stage, $"could not be written ({e.Message}); the previous checkpoint is unchanged.", e);
        }
        finally
        {
            foreach (string temporary in new[] { weightsTemporary, manifestTemporary, previous })
                if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads and checks a manifest and its weights' checksum, without loading the weights.</summary>
    const string Fix = "Restore the shipped files with `git checkout -- data/checkpoints`, or train again (set Retrain = true).";

    public static CheckpointManifest Verify(string weightsPath)
    {
        string manifestPath = ManifestPath(weightsPath);
        const string fix = Fix;
        if (!File.Exists(manifestPath)) throw new CheckpointException(manifestPath, $"the manifest is missing. {fix}");
        if (!File.Exists(weightsPath)) throw new CheckpointException(weightsPath, $"the weights file is missing. {fix}");
        CheckpointManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(manifestPath)); }
        catch (JsonException e) { throw new CheckpointException(manifestPath, $"the manifest is not valid JSON ({e.Message}). {fix}", e); }
        if (manifest?.Config is null || string.IsNullOrEmpty(manifest.Sha256) || manifest.Parameters is null)
            throw new CheckpointException(manifestPath, $"the manifest lacks its config, parameters or SHA-256. {fix}");
        string actual = Sha256Of(weightsPath);
        if (!string.Equals(actual, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException(weightsPath, $"wrong checksum: the file's SHA-256 is {actual}, the manifest says {manifest.Sha256}. The file is damaged or was replaced without its manifest. {fix}");
        return manifest;
    }

    /// <summary>
    /// Loads weights into <paramref name="model"/> after checking the checksum, that the checkpoint was made
    /// with <paramref name="expectedConfig"/> (when given) and that every parameter has the same name and shape.
    /// </summary>
    public static CheckpointManifest Load(nn.Module model, string weightsPath, object? expectedConfig = null)
    {
        var manifest = Verify(weightsPath);
        if (expectedConfig is not null && !JsonNode.DeepEquals(manifest.Config, ConfigJson(expectedConfig)))
            throw new CheckpointException(weightsPath, $"made for another config: {ConfigDifferences(manifest.Config, ConfigJson(expectedConfig))}. " +
                "Ask for the checkpoint's values, or train a model for yours (Retrain = true).");
        var wanted = Describe(model);
        if (!wanted.SequenceEqual(manifest.Parameters))
        {
            string first = wanted.Zip(manifest.Parameters).Where(p => p.First != p.Second).Select(p => $"this model has {p.First}, the checkpoint {p.Second}").FirstOrDefault()
                           ?? $"this model has {wanted.Count} parameters, the checkpoint {manifest.Parameters.Count}";
            throw new CheckpointException(weightsPath, $"made for another architecture: {first}.");
        }
        try { model.load(weightsPath, strict: true); }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or KeyNotFoundException or System.Runtime.InteropServices.ExternalException)
        {
            throw new CheckpointException(weightsPath, $"the weights do not fit this model, although the manifest says they do ({e.GetType().Name}: {e.Message}). " +
                "The file was replaced or damaged and its manifest edited to match. " + Fix, e);
        }
        model.eval();
        return manifest;
    }

    /// <summary>The first keys (up to three) whose values differ between two configs: "Steps = 3 in the checkpoint, 4 asked for".</summary>
    public static string ConfigDifferences(JsonNode stored, JsonNode wanted)
    {
        var keys = (stored as JsonObject)?.Select(p => p.Key).Union((wanted as JsonObject)?.Select(p => p.Key) ?? []).ToList() ?? [];
        var differences = keys.Where(k => !JsonNode.DeepEquals(stored[k], wanted[k]))
            .Select(k => $"{k} = {stored[k]?.ToJsonString() ?? "(absent)"} in the checkpoint, {wanted[k]?.ToJsonString() ?? "(absent)"} asked for").ToList();
        if (differences.Count == 0) return $"it was trained with {stored.ToJsonString()}, this model asks for {wanted.ToJsonString()}";
        return string.Join("; ", differences.Take(3)) + (differences.Count > 3 ? $" (and {differences.Count - 3} more)" : "");
    }

    /// <summary>
    /// The classroom switch: load data/checkpoints/NAME.bin when it exists and was made with exactly this
    /// config, else (or when <paramref name="retrain"/>) build and train now. Never overwrites a shipped file.
    /// A loaded model's History is the one its manifest recorded: its losses (empty when none were recorded) and training time.
    /// A manifest whose weights are missing, or weights whose manifest is, ends in a CheckpointException.
    /// </summary>
    public static (T Model, ModelSource Source) LoadOrTrain<T>(string name, object config, Func<T> build, Func<T, TrainingHistory> train, bool retrain = false) where T : nn.Module
    {
        var model = build();
        string path = PathFor(name);
        string? differs = null;
        if (!retrain && (File.Exists(path) || File.Exists(ManifestPath(path))))
        {
            var manifest = Verify(path);   // a manifest without its weights (or the reverse) is reported, not silently retrained
            if (JsonNode.DeepEquals(manifest.Config, ConfigJson(config)))
            {
                Load(model, path, config);
                var recorded = new TrainingHistory(manifest.Losses ?? [], TimeSpan.FromSeconds(manifest.TrainingSeconds));   // no curve recorded: an empty one
                return (model, new ModelSource(true, $"loaded {name} from data/checkpoints (trained for {manifest.TrainingSeconds / 60:F1} min on {manifest.Machine})", manifest, recorded));
            }
            differs = ConfigDifferences(manifest.Config, ConfigJson(config));
        }
        model.train();
        var history = train(model);
        model.eval();
        string why = retrain ? "Retrain = true" : differs is not null ? $"the config differs from the shipped checkpoint's: {differs}" : "no checkpoint is shipped for it";
        string done = history.Cancelled ? $"training {name} was {history.CancelledAt}: the model is only partly trained" : $"trained {name} now in {history.Elapsed.TotalSeconds:F0} s";
        return (model, new ModelSource(false, $"{done} ({why})", null, history));
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
