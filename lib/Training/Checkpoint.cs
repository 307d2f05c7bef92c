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

/// <summary>Where a model came from: a shipped checkpoint or training just now.</summary>
public sealed record ModelSource(bool FromCheckpoint, string Description, CheckpointManifest? Manifest, TrainingHistory? History);

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
    /// Writes weights and manifest, each through a temporary file and a rename: an interrupted save leaves the
    /// previous checkpoint intact. Returns the manifest written.
    /// </summary>
    public static CheckpointManifest Save(nn.Module model, string weightsPath, object config, string dataset, double trainingSeconds,
        IReadOnlyDictionary<string, double> metrics, IReadOnlyList<double>? losses = null)
    {
        string full = Path.GetFullPath(weightsPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".partial";
        model.save(temporary);
        var manifest = new CheckpointManifest(Path.GetFileNameWithoutExtension(full), ConfigJson(config), dataset, Math.Round(trainingSeconds, 1),
            metrics, Describe(model), Sha256Of(temporary), $"{Environment.ProcessorCount} cores, {get_num_threads()} torch threads, {Environment.OSVersion}",
            losses?.Select(loss => Math.Round(loss, 5)).ToList());
        File.Move(temporary, full, overwrite: true);
        Display.Export.WriteAtomically(ManifestPath(full), JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
        return manifest;
    }

    /// <summary>Reads and checks a manifest and its weights' checksum, without loading the weights.</summary>
    public static CheckpointManifest Verify(string weightsPath)
    {
        string manifestPath = ManifestPath(weightsPath);
        const string fix = "Restore the shipped files with `git checkout -- data/checkpoints`, or train again (set Retrain = true).";
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
            throw new CheckpointException(weightsPath, $"made for another config: it was trained with {manifest.Config.ToJsonString()}, this model asks for {ConfigJson(expectedConfig).ToJsonString()}.");
        var wanted = Describe(model);
        if (!wanted.SequenceEqual(manifest.Parameters))
        {
            string first = wanted.Zip(manifest.Parameters).Where(p => p.First != p.Second).Select(p => $"this model has {p.First}, the checkpoint {p.Second}").FirstOrDefault()
                           ?? $"this model has {wanted.Count} parameters, the checkpoint {manifest.Parameters.Count}";
            throw new CheckpointException(weightsPath, $"made for another architecture: {first}.");
        }
        model.load(weightsPath, strict: true);
        model.eval();
        return manifest;
    }

    /// <summary>
    /// The classroom switch: load data/checkpoints/NAME.bin when it exists and was made with exactly this
    /// config, else (or when <paramref name="retrain"/>) build and train now. Never overwrites a shipped file.
    /// A loaded model's History is the one its manifest recorded (losses and training time), when it has one.
    /// </summary>
    public static (T Model, ModelSource Source) LoadOrTrain<T>(string name, object config, Func<T> build, Func<T, TrainingHistory> train, bool retrain = false) where T : nn.Module
    {
        var model = build();
        string path = PathFor(name);
        if (!retrain && File.Exists(path))
        {
            var manifest = Verify(path);
            if (JsonNode.DeepEquals(manifest.Config, ConfigJson(config)))
            {
                Load(model, path, config);
                var recorded = manifest.Losses is { Count: > 0 } losses ? new TrainingHistory(losses, TimeSpan.FromSeconds(manifest.TrainingSeconds)) : null;
                return (model, new ModelSource(true, $"loaded {name} from data/checkpoints (trained for {manifest.TrainingSeconds / 60:F1} min on {manifest.Machine})", manifest, recorded));
            }
        }
        model.train();
        var history = train(model);
        model.eval();
        string why = retrain ? "Retrain = true" : File.Exists(path) ? "the config differs from the shipped checkpoint's" : "no checkpoint is shipped for it";
        string done = history.Cancelled ? $"training {name} was {history.CancelledAt}: the model is only partly trained" : $"trained {name} now in {history.Elapsed.TotalSeconds:F0} s";
        return (model, new ModelSource(false, $"{done} ({why})", null, history));
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
