// The models the workbook ships in data/checkpoints, as one table: each name with the record it was
// trained with, what it was trained on, how it is built, trained and measured. The chapters write
// the same records literally at their top (so a student changes them there); a chapter whose record
// differs from the table's trains its own model. The same Measure runs when a checkpoint is made (its
// manifest records the numbers) and in the tests (which re-measure them).
// Maintainers rebuild one with: dotnet run --project notebooks/Runner -- --train-shipped NAME
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Models;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;
using Workbook.Autoregression;
using static TorchSharp.torch;

namespace Workbook.Classroom;

/// <summary>
/// One shipped model: how to build it from its record, train it (progress, cancellation, and a folder where a long
/// training keeps its state so that it can stop and go on; the short trainings ignore it and start over) and measure it.
/// </summary>
public sealed record ShippedModel(
    string Name,                                                                        // data/checkpoints/NAME.bin
    object Record,                                                                      // the hyperparameters it was trained with
    string TrainedOn,                                                                   // for the manifest
    Func<nn.Module> Build,
    Func<nn.Module, IProgress<TrainingProgress>?, CancellationToken, string, TrainingHistory> Train,
    Func<nn.Module, Dictionary<string, double>> Measure);

public static class ShippedModels
{
    public const string AnyOrderName = "anyorder-mnist14";
    public const string NoisePredictorName = "noise-unet-mnist14";
    public const string TextToDigitName = "text-to-digit-mnist14";
    public const string SketchToDigitName = "sketch-to-digit-mnist14";
    public const string OutlineToDigitName = "outline-to-digit-mnist14";
    public const string CharacterTransformerName = "char-transformer-devils-dictionary";

    /// <summary>Samples per Fréchet distance; 500 keeps the distance's own noise to about ±1.</summary>
    public const int SampleCount = 500;

    /// <summary>The seeds of the shared measurements: the DDIM starting noise, the random pixel orders, the pixel draws.</summary>
    public const int DdimSeed = 8, OrderSeed = 7, DrawSeed = 1;

    /// <summary>Chapters 5, 8 and 11: the any-order pixel model on 4 grey levels.</summary>
    public static AnyOrderModelConfig AnyOrder => new(Steps: 2500);

    /// <summary>Chapters 7, 8 and 11: the noise-predicting U-Net.</summary>
    public static DiffusionConfig NoisePredictor => new(TrainingSteps: 4000);

    /// <summary>Chapters 9, 10 and 11: the text-conditional U-Net and its text encoder.</summary>
    public static ConditionalDiffusionConfig TextToDigit => new(TrainingSteps: 4000);

    /// <summary>Chapter 4: the causal transformer that writes The Devil's Dictionary one character at a time.</summary>
    public static CausalTransformerConfig CharacterTransformer => new(Context: 64, Layers: 3, Width: 128, Steps: 3000);

    /// <summary>Chapter 9: the U-Net that draws a digit to fit a 7x7 sketch.</summary>
    public static SketchModelConfig SketchToDigit => new();

    /// <summary>Chapter 9: the same U-Net and training, drawing a digit along the outline of its strokes.</summary>
    public static SketchModelConfig OutlineToDigit => new(Sketch: "outline");

    /// <summary>Chapter 7's two training budgets for the target comparison: a short one, and the noise predictor's.</summary>
    public const int ShortTargetSteps = 300, LongTargetSteps = 4000;

    /// <summary>Chapter 7: the three prediction targets compared after the same training (300 or 4,000 steps each).</summary>
    public static DiffusionConfig TargetComparison(PredictionTarget target, int steps = ShortTargetSteps) =>
        new(TrainingSteps: steps, Target: target);

    /// <summary>The noise target at the long budget is the noise predictor itself (the same record).</summary>
    public static string TargetComparisonName(PredictionTarget target, int steps = ShortTargetSteps) => target switch
    {
        PredictionTarget.Noise when steps == LongTargetSteps => NoisePredictorName,
        PredictionTarget.Noise => $"target-noise-{steps}-mnist14",
        PredictionTarget.CleanImage => $"target-clean-image-{steps}-mnist14",
        PredictionTarget.PreviousSample => $"target-previous-sample-{steps}-mnist14",
        _ => throw new HyperparameterException($"{target} is not a prediction target."),
    };

    /// <summary>Every shipped model.</summary>
    public static IReadOnlyList<ShippedModel> All =>
    [
        new(AnyOrderName, AnyOrder, "mnist 14x14, 4 levels",
            () => AnyOrderTraining.Build(AnyOrder),
            (m, p, c, _) => AnyOrderTraining.Train((AnyOrderModel)m, PixelLevels.Quantize(Train14().Images, AnyOrder.Levels), p, c),
            m => Measurements.RandomOrderFrechet((AnyOrderModel)m, [4, 16, 49, 196], SampleCount, orderSeed: OrderSeed, sampleSeed: DrawSeed)),
        new(NoisePredictorName, NoisePredictor, "mnist 14x14",
            () => DiffusionTraining.Build(NoisePredictor),
            (m, p, c, r) => DiffusionTraining.Train((UNet)m, NoisePredictor, Train14(), p, c, resumeFolder: r),
            m => Measurements.DdimFrechet((UNet)m, NoisePredictor.CreateSchedule(), PredictionTarget.Noise, 14, [10, 20, 50], SampleCount, seed: DdimSeed)),
        new(TextToDigitName, TextToDigit, "mnist 14x14 train split, prompts from labels",
            () => new TextConditionalModel(TextToDigit),
            (m, p, c, r) => ((TextConditionalModel)m).Train(TextToDigit, Train14(), p, c, r),
            m => Measurements.PromptMatch((TextConditionalModel)m, TextToDigit.CreateSchedule(), 14, [1, 3], SampleCount, steps: 25, seed: 9)),
        new(SketchToDigitName, SketchToDigit, "mnist 14x14 train split, sketches from the images",
            () => SketchModel.Build(SketchToDigit),
            (m, p, c, r) => SketchModel.Train((UNet)m, SketchToDigit, Train14(), p, c, r),
            m => Measurements.SketchFit((UNet)m, SketchToDigit.CreateSchedule(), 14, SketchToDigit.SketchSize, 100, steps: 25, seed: 5)),
        new(OutlineToDigitName, OutlineToDigit, "mnist 14x14 train split, outlines from the images",
            () => SketchModel.Build(OutlineToDigit),
            (m, p, c, r) => SketchModel.Train((UNet)m, OutlineToDigit, Train14(), p, c, r),
            m => Measurements.OutlineFit((UNet)m, OutlineToDigit, 100, steps: 25, seed: 5)),
        .. Targets.Select(target => TargetModel(target, ShortTargetSteps)),
        .. Targets.Where(t => t != PredictionTarget.Noise).Select(target => TargetModel(target, LongTargetSteps)),
        new(ReferenceClassifier.ShippedName(new ReferenceClassifierConfig()), new ReferenceClassifierConfig(), "mnist 14x14 train split",
            () => ReferenceClassifier.Build(new ReferenceClassifierConfig()),
            (m, p, c, _) => ReferenceClassifier.Train((ReferenceClassifier)m, p, c),
            m => Measurements.TestAccuracy((ReferenceClassifier)m)),
        new(CharacterTransformerName, CharacterTransformer, "The Devil's Dictionary (data/text), first 90 % of its characters",
            () => CharacterTransformer.Build(TextCorpus.Load().Characters.Count),
            (m, p, c, _) => NextToken.TrainOnStream((CausalTransformer)m, CharacterTransformer, TextCorpus.Load().Split().Train, p, c),
            m => Measurements.TextModel((CausalTransformer)m, TextCorpus.Load(), "WAR, n.", 2000, temperature: 0.5, seed: 11)),
    ];

    static readonly PredictionTarget[] Targets = [PredictionTarget.Noise, PredictionTarget.CleanImage, PredictionTarget.PreviousSample];

    static ShippedModel TargetModel(PredictionTarget target, int steps)
    {
        var record = TargetComparison(target, steps);
        return new(TargetComparisonName(target, steps), record, "mnist 14x14",
            () => DiffusionTraining.Build(record),
            (m, p, c, r) => DiffusionTraining.Train((UNet)m, record, Train14(), p, c, resumeFolder: r),
            m => Measurements.TestLoss((UNet)m, record.CreateSchedule(), target, 14, 1000, seed: 10));
    }

    static ImageDataset Train14() => Datasets.Load("mnist", Split.Train, size: 14);

    public static IReadOnlyList<string> Names => All.Select(m => m.Name).ToList();

    /// <summary>The shipped model of this name, or a HyperparameterException that lists the known ones.</summary>
    public static ShippedModel Get(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new HyperparameterException($"'{name}' is not a shipped model. Known: {string.Join(", ", Names)}.");

    /// <summary>
    /// Trains the named model with its record, measures it and writes data/checkpoints/NAME.bin and .json. A cancelled
    /// training ends in an OperationCanceledException and writes no checkpoint; a diffusion model's training keeps its
    /// state in data/checkpoints/NAME.partial (saved every few minutes and when cancelled), and the next call goes on
    /// from there. The state is removed once the checkpoint is written.
    /// </summary>
    public static CheckpointManifest TrainAndSave(string name, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var shipped = Get(name);
        var model = shipped.Build();
        string partial = PartialFolder(name);
        var history = shipped.Train(model, progress, cancellation, partial).ThrowIfCancelled(name);
        model.eval();
        var manifest = Checkpoint.Save(model, Checkpoint.PathFor(name), shipped.Record, shipped.TrainedOn, history.Elapsed.TotalSeconds,
            shipped.Measure(model), history.Losses);
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        return manifest;
    }

    /// <summary>data/checkpoints/NAME.partial: where the named model's unfinished training keeps its state.</summary>
    public static string PartialFolder(string name) => Path.ChangeExtension(Checkpoint.PathFor(name), ".partial");

    /// <summary>
    /// Measures a shipped model again with the current Measure (after the measurement itself changed) and
    /// rewrites its manifest; the weights are written back unchanged, the training time and losses are kept.
    /// </summary>
    public static CheckpointManifest Remeasure(string name)
    {
        var shipped = Get(name);
        string path = Checkpoint.PathFor(name);
        var old = Checkpoint.Verify(path);
        var model = shipped.Build();
        Checkpoint.Load(model, path, shipped.Record);
        return Checkpoint.Save(model, path, shipped.Record, old.Dataset, old.TrainingSeconds, shipped.Measure(model), old.Losses);
    }

    /// <summary>Loads the named shipped model into a fresh one built from its record (checksum, record and shapes checked).</summary>
    public static (nn.Module Model, CheckpointManifest Manifest) Load(string name)
    {
        var shipped = Get(name);
        var model = shipped.Build();
        return (model, Checkpoint.Load(model, Checkpoint.PathFor(name), shipped.Record));
    }
}
