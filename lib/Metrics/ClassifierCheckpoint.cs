// Saving and loading the reference classifier: weights (TorchSharp's format) plus a JSON manifest
// with the config, training time, test accuracy and the weights' SHA-256. Chapter 5.
using System.Text.Json;
using Workbook.Data;
using Workbook.Training;

namespace Workbook.Metrics;

/// <summary>What a checkpoint's JSON manifest records about its weights file.</summary>
public sealed record ClassifierManifest(
    ReferenceClassifierConfig Config,  // architecture, data and training settings
    int Classes,                       // outputs of the last layer
    double TrainingSeconds,            // wall-clock training time on the machine that trained it
    int Threads,                       // torch's CPU threads while training: same seed and thread count, same weights
    double TestAccuracy,               // share of the test split classified correctly
    string Sha256,                     // SHA-256 of the weights file, lowercase hex
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? CancelledAtStep = null);      // null: trained all Config.Steps; else the step training was cancelled at (never saved)

public static class ClassifierCheckpoint
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Where the shipped checkpoint for a config lives: data/checkpoints/reference-classifier-mnist14.bin.</summary>
    public static string ShippedPath(ReferenceClassifierConfig config) =>
        DataFolder.File("checkpoints", $"reference-classifier-{config.Key}.bin");

    /// <summary>Loads the classifier shipped in data/checkpoints for a config (the defaults: 14x14 MNIST), checks included.</summary>
    public static (ReferenceClassifier Classifier, ClassifierManifest Manifest) LoadShipped(ReferenceClassifierConfig? config = null)
    {
        config ??= new ReferenceClassifierConfig();
        return Load(ShippedPath(config), expected: config);
    }

    /// <summary>The manifest that sits beside a weights file: same name, .json.</summary>
    public static string ManifestPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>
    /// Writes the weights and the manifest (with the weights' SHA-256 filled in) as a pair: both to temporary files,
    /// then both renamed into place, so a failed or interrupted save leaves the previous pair intact. Returns the manifest written.
    /// </summary>
    public static ClassifierManifest Save(ReferenceClassifier classifier, ClassifierManifest manifest, string weightsPath)
    {
        if (manifest.CancelledAtStep is int step)
            throw new OperationCanceledException(
                $"{weightsPath}: not saved, because training was cancelled at step {step} of {manifest.Config.Steps}; a partly trained " +
                "classifier is not saved as a finished one. Train again and let it finish.");
        ClassifierManifest? complete = null;
        Checkpoint.WritePair(weightsPath, temporary => classifier.save(temporary), weights =>
        {
            complete = manifest with { Config = classifier.Config, Classes = classifier.Classes, Sha256 = Sha256Of(weights) };
            return JsonSerializer.SerializeToUtf8Bytes(complete, Json);
        });
        return complete!;
    }

    /// <summary>
    /// Loads a checkpoint after checking that the manifest is readable, the weights' SHA-256 matches it,
    /// the architecture is the one <paramref name="expected"/> asks for (when given), and every tensor
    /// has the name and shape that architecture needs. Anything else ends in a CheckpointException that says what.
    /// </summary>
    public static (ReferenceClassifier Classifier, ClassifierManifest Manifest) Load(string weightsPath, ReferenceClassifierConfig? expected = null)
    {
        string manifestPath = ManifestPath(weightsPath);
        string fix = "Restore the shipped files with `git checkout -- data/checkpoints`, or train a new classifier " +
                     "with ReferenceClassifier.Train and save it with ClassifierCheckpoint.Save.";
        if (!File.Exists(manifestPath)) throw new CheckpointException(manifestPath, $"the manifest is missing. {fix}");
        if (!File.Exists(weightsPath)) throw new CheckpointException(weightsPath, $"the weights file is missing. {fix}");

        ClassifierManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<ClassifierManifest>(File.ReadAllBytes(manifestPath)); }
        catch (JsonException e) { throw new CheckpointException(manifestPath, $"the manifest is not valid JSON ({e.Message}). {fix}", e); }
        if (manifest?.Config is null || string.IsNullOrEmpty(manifest.Sha256))
            throw new CheckpointException(manifestPath, $"the manifest lacks its config or SHA-256. {fix}");

        string actual = Sha256Of(weightsPath);
        if (!string.Equals(actual, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException(weightsPath,
                $"wrong checksum: its SHA-256 is {actual}, the manifest expects {manifest.Sha256}. The file is damaged or was " +
                $"replaced without its manifest. {fix}");

        if (expected is not null)
        {
            var differences = ArchitectureDifferences(manifest.Config, expected);
            if (differences.Count > 0)
                throw new CheckpointException(weightsPath,
                    $"wrong architecture: the checkpoint was trained with {string.Join(", ", differences)}. " +
                    "Load it with its own config, or train a classifier for the config you want.");
        }

        ReferenceClassifier classifier;
        try { classifier = new ReferenceClassifier(manifest.Config, manifest.Classes); }   // validates the config and the class count
        catch (Runtime.HyperparameterException e) { throw new CheckpointException(manifestPath, $"the manifest's config is invalid: {e.Message}", e); }
        try { classifier.load(weightsPath, strict: true); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or KeyNotFoundException or System.Runtime.InteropServices.ExternalException)
        {
            throw new CheckpointException(weightsPath,
                $"wrong architecture: the weights do not fit the network the manifest describes ({e.Message}). {fix}", e);
        }
        classifier.eval();
        return (classifier, manifest);
    }

    /// <summary>The architecture and data settings in which two configs differ, as "Name = value (wanted: other)".</summary>
    public static IReadOnlyList<string> ArchitectureDifferences(ReferenceClassifierConfig stored, ReferenceClassifierConfig wanted)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) differences.Add($"{name} = {a} (wanted: {b})");
        }
        Compare(nameof(stored.Dataset), stored.Dataset, wanted.Dataset);
        Compare(nameof(stored.ImageSize), stored.ImageSize, wanted.ImageSize);
        Compare(nameof(stored.Channels1), stored.Channels1, wanted.Channels1);
        Compare(nameof(stored.Channels2), stored.Channels2, wanted.Channels2);
        Compare(nameof(stored.Features), stored.Features, wanted.Features);
        return differences;
    }

    public static string Sha256Of(string path) => Checkpoint.Sha256Of(path);
}
