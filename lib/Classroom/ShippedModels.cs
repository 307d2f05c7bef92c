// The models the workbook ships in data/checkpoints, in one place: the exact record each notebook
// asks for in full mode, how the model is trained, and the numbers measured on it. The same
// Measure runs when a checkpoint is made (its manifest records them) and in the tests (which
// re-measure them), so a shipped model cannot silently drift from the code.
// Maintainers rebuild one with: dotnet run --project notebooks/Runner -- --train-shipped NAME
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Autoregression;

namespace Workbook.Classroom;

public static class ShippedModels
{
    public const string AnyOrderName = "anyorder-mnist14";
    public const string NoisePredictorName = "noise-unet-mnist14";
    public const string TextToDigitName = "text-to-digit-mnist14";
    public const string SketchToDigitName = "sketch-to-digit-mnist14";

    /// <summary>Chapters 5 and 8: the any-order pixel model on 4 grey levels.</summary>
    public static AnyOrderModelConfig AnyOrder => new() { Steps = 2500 };

    /// <summary>Chapters 7, 8 and 11: the noise-predicting U-Net.</summary>
    public static DiffusionConfig NoisePredictor => new() { TrainingSteps = 4000 };

    /// <summary>Chapters 9, 10 and 11: the text-conditional U-Net and its text encoder.</summary>
    public static ConditionalDiffusionConfig TextToDigit => new() { TrainingSteps = 4000 };

    /// <summary>Chapter 9: the U-Net that draws a digit to fit a 7x7 sketch.</summary>
    public static SketchModelConfig SketchToDigit => new();

    /// <summary>Chapter 7: the three prediction targets compared after the same short training (300 steps each).</summary>
    public static DiffusionConfig TargetComparison(PredictionTarget target) => NoisePredictor with { TrainingSteps = 300, Target = target };

    public static string TargetComparisonName(PredictionTarget target) => target switch
    {
        PredictionTarget.Noise => "target-noise-300-mnist14",
        PredictionTarget.CleanImage => "target-clean-image-300-mnist14",
        PredictionTarget.PreviousSample => "target-previous-sample-300-mnist14",
        _ => throw new HyperparameterException($"{target} is not a prediction target."),
    };

    static readonly PredictionTarget[] Targets = [PredictionTarget.Noise, PredictionTarget.CleanImage, PredictionTarget.PreviousSample];

    public static IReadOnlyList<string> Names =>
        [AnyOrderName, NoisePredictorName, TextToDigitName, SketchToDigitName, .. Targets.Select(TargetComparisonName)];

    /// <summary>Samples per measurement; 500 keeps the Fréchet distance's own noise to about ±1.</summary>
    public const int SampleCount = 500;

    /// <summary>
    /// Trains the named model with its record, measures it and writes data/checkpoints/NAME.bin and .json. A cancelled
    /// training ends in an OperationCanceledException and writes nothing.
    /// </summary>
    public static CheckpointManifest TrainAndSave(string name, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var train = Datasets.Load("mnist", Split.Train, size: 14);
        string path = Checkpoint.PathFor(name);
        switch (name)
        {
            case AnyOrderName:
            {
                var config = AnyOrder;
                var model = AnyOrderTraining.Build(config);
                var history = AnyOrderTraining.Train(model, PixelLevels.Quantize(train.Images, config.Levels), progress, cancellation).ThrowIfCancelled(name);
                model.eval();
                return Checkpoint.Save(model, path, config, "mnist 14x14, 4 levels", history.Elapsed.TotalSeconds, Measure(model, config), history.Losses);
            }
            case NoisePredictorName:
                return TrainDiffusionNet(NoisePredictor, (net, config) => Measure(net, config));
            case TextToDigitName:
            {
                var config = TextToDigit;
                var model = new TextConditionalModel(config);
                var history = model.Train(config, train, progress, cancellation).ThrowIfCancelled(name);
                return Checkpoint.Save(model, path, config, "mnist 14x14 train split, prompts from labels", history.Elapsed.TotalSeconds, Measure(model, config), history.Losses);
            }
            case SketchToDigitName:
            {
                var config = SketchToDigit;
                var net = SketchModel.Build(config);
                var history = SketchModel.Train(net, config, train, progress, cancellation).ThrowIfCancelled(name);
                return Checkpoint.Save(net, path, config, "mnist 14x14 train split, sketches from the images", history.Elapsed.TotalSeconds, Measure(net, config), history.Losses);
            }
            case var _ when TargetOf(name) is PredictionTarget target:
                return TrainDiffusionNet(TargetComparison(target), MeasureTestLoss);
            default:
                throw new HyperparameterException($"'{name}' is not a shipped model. Known: {string.Join(", ", Names)}.");
        }

        CheckpointManifest TrainDiffusionNet(DiffusionConfig config, Func<Models.UNet, DiffusionConfig, Dictionary<string, double>> measure)
        {
            var net = DiffusionTraining.Build(config);
            var history = DiffusionTraining.Train(net, config, train, progress, cancellation).ThrowIfCancelled(name);
            net.eval();
            return Checkpoint.Save(net, path, config, "mnist 14x14", history.Elapsed.TotalSeconds, measure(net, config), history.Losses);
        }
    }

    /// <summary>
    /// Measures a shipped model again with the current Measure (after the measurement itself changed) and
    /// rewrites its manifest; the weights are written back unchanged, the training time is kept.
    /// </summary>
    public static CheckpointManifest Remeasure(string name)
    {
        string path = Checkpoint.PathFor(name);
        var old = Checkpoint.Verify(path);
        (nn.Module Model, object Config, Dictionary<string, double> Metrics) measured = name switch
        {
            AnyOrderName => Remeasured(AnyOrderTraining.Build(AnyOrder), AnyOrder, (m, c) => Measure(m, c)),
            NoisePredictorName => Remeasured(DiffusionTraining.Build(NoisePredictor), NoisePredictor, (m, c) => Measure(m, c)),
            TextToDigitName => Remeasured(new TextConditionalModel(TextToDigit), TextToDigit, (m, c) => Measure(m, c)),
            SketchToDigitName => Remeasured(SketchModel.Build(SketchToDigit), SketchToDigit, (m, c) => Measure(m, c)),
            _ when TargetOf(name) is PredictionTarget target => Remeasured(DiffusionTraining.Build(TargetComparison(target)), TargetComparison(target), (m, c) => MeasureTestLoss(m, c)),
            _ => throw new HyperparameterException($"'{name}' is not a shipped model. Known: {string.Join(", ", Names)}."),
        };
        return Checkpoint.Save(measured.Model, path, measured.Config, old.Dataset, old.TrainingSeconds, measured.Metrics, old.Losses);

        (nn.Module, object, Dictionary<string, double>) Remeasured<TModel, TConfig>(TModel model, TConfig config, Func<TModel, TConfig, Dictionary<string, double>> measure)
            where TModel : nn.Module where TConfig : notnull
        {
            Checkpoint.Load(model, path, config);
            return (model, config, measure(model, config));
        }
    }

    /// <summary>Fréchet distance of 500 random-order samples at 4, 16, 49 and 196 evaluations (keys frechet_random_N).</summary>
    public static Dictionary<string, double> Measure(AnyOrderModel model, AnyOrderModelConfig config, int[]? evaluations = null)
    {
        Tensor FourLevels(Tensor images) => PixelLevels.ToGrey(PixelLevels.Quantize(images, config.Levels), config.Levels);
        var scorer = Scorer(FourLevels);
        return (evaluations ?? [4, 16, 49, 196]).ToDictionary(e => $"frechet_random_{e}", e =>
        {
            using var scope = NewDisposeScope();
            var orders = PixelOrders.Random(SampleCount, config.ImageSize, config.ImageSize, e, Seeds.Generator(7));
            return scorer.Score(PixelLevels.ToGrey(PatchSampler.Generate(model, orders, Seeds.Generator(1)).Levels, config.Levels)).FrechetDistance;
        });
    }

    /// <summary>Fréchet distance of 500 DDIM samples at 10, 20 and 50 steps (keys frechet_ddim_N).</summary>
    public static Dictionary<string, double> Measure(Models.UNet net, DiffusionConfig config, int[]? steps = null)
    {
        var scorer = Scorer(x => x);
        return (steps ?? [10, 20, 50]).ToDictionary(n => $"frechet_ddim_{n}", n =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var run = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, n)
                .Generate((x, t) => net.forward(x, t), [SampleCount, 1, config.ImageSize, config.ImageSize], Seeds.Generator(8));
            return scorer.Score(((run.Images + 1) / 2).clamp(0, 1)).FrechetDistance;
        });
    }

    /// <summary>
    /// Share of samples the reference classifier labels as the prompted digit ("a handwritten seven" and so on),
    /// 50 per digit, 25 DDIM steps, at guidance scales 1 and 3 (keys prompt_match_w1, prompt_match_w3).
    /// </summary>
    public static Dictionary<string, double> Measure(TextConditionalModel model, ConditionalDiffusionConfig config, double[]? scales = null)
    {
        var (judge, _) = ClassifierCheckpoint.LoadShipped();
        var labels = arange(10L, device: TorchRuntime.Device).repeat(SampleCount / 10);                                  // 0..9, 0..9, ...
        var sampler = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, 25);
        using var noGrad = no_grad();
        var prompts = model.Encode(labels.data<long>().ToArray().Select(d => Prompts.For("mnist", (int)d)[0]).ToList());
        return (scales ?? [1, 3]).ToDictionary(w => $"prompt_match_w{w:0.##}", w =>
        {
            using var scope = NewDisposeScope();
            var images = ((GuidedSampling.Generate(sampler, model.UNet, prompts, w, config.ImageSize, Seeds.Generator(9)).Images + 1) / 2).clamp(0, 1);
            return judge.forward(images).argmax(1).eq(labels).to(float64).mean().item<double>();
        });
    }

    /// <summary>
    /// Mean squared error on 1,000 held-out test digits noised to random steps with fixed noise: the number the
    /// network was trained to lower, for its own target (key test_loss).
    /// </summary>
    public static Dictionary<string, double> MeasureTestLoss(Models.UNet net, DiffusionConfig config)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var test = RealDigits.Split(Datasets.Load("mnist", Split.Test, size: config.ImageSize).Images).HeldOut[..1000];
        var example = TrainingExamples.Make(config.CreateSchedule(), config.Target, test * 2 - 1, Seeds.Generator(10));
        return new() { ["test_loss"] = nn.functional.mse_loss(net.forward(example.Xt, example.T), example.Target).item<float>() };
    }

    /// <summary>
    /// How well samples fit their sketches: 100 held-out test digits' sketches, one sample each (25 DDIM steps),
    /// mean absolute difference between the sample's own sketch and the one asked for (key sketch_fit, 0 = perfect).
    /// </summary>
    public static Dictionary<string, double> Measure(Models.UNet net, SketchModelConfig config)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var test = RealDigits.Split(Datasets.Load("mnist", Split.Test, size: config.ImageSize).Images).HeldOut[..100];
        var sketches = Sketches.Coarse(test * 2 - 1, config.SketchSize);
        var run = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, 25)
            .Generate((x, t) => net.forward(x, t, sketches), [100, 1, config.ImageSize, config.ImageSize], Seeds.Generator(5));
        var drawn = ((run.Images + 1) / 2).clamp(0, 1);
        return new() { ["sketch_fit"] = (Sketches.Coarse(drawn, config.SketchSize) - (sketches + 1) / 2).abs().mean().item<float>() };
    }

    static PredictionTarget? TargetOf(string name) => Targets.Where(t => TargetComparisonName(t) == name).Select(t => (PredictionTarget?)t).FirstOrDefault();

    static SampleScorer Scorer(Func<Tensor, Tensor> prepare)
    {
        var (judge, _) = ClassifierCheckpoint.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        return new SampleScorer(judge, prepare(RealDigits.Split(test.Images).Reference));
    }
}
