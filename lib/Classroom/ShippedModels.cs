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

namespace Workbook.Classroom;

public static class ShippedModels
{
    public const string AnyOrderName = "anyorder-mnist14";
    public const string NoisePredictorName = "noise-unet-mnist14";
    public const string TextToDigitName = "text-to-digit-mnist14";

    /// <summary>Chapters 5 and 8: the any-order pixel model on 4 grey levels.</summary>
    public static AnyOrderModelConfig AnyOrder => new() { Steps = 2500 };

    /// <summary>Chapters 7, 8 and 11: the noise-predicting U-Net.</summary>
    public static DiffusionConfig NoisePredictor => new() { TrainingSteps = 4000 };

    /// <summary>Chapters 9, 10 and 11: the text-conditional U-Net and its text encoder.</summary>
    public static ConditionalDiffusionConfig TextToDigit => new() { TrainingSteps = 4000 };

    public static IReadOnlyList<string> Names => [AnyOrderName, NoisePredictorName, TextToDigitName];

    /// <summary>Samples per measurement; 500 keeps the Fréchet distance's own noise to about ±1.</summary>
    public const int SampleCount = 500;

    /// <summary>Trains the named model with its record, measures it and writes data/checkpoints/NAME.bin and .json.</summary>
    public static CheckpointManifest TrainAndSave(string name, IProgress<TrainingProgress>? progress = null)
    {
        var train = Datasets.Load("mnist", Split.Train, size: 14);
        string path = Checkpoint.PathFor(name);
        switch (name)
        {
            case AnyOrderName:
            {
                var config = AnyOrder;
                var model = AnyOrderTraining.Build(config);
                var history = AnyOrderTraining.Train(model, GreyLevels.Quantise(train.Images, config.Levels), progress);
                model.eval();
                return Checkpoint.Save(model, path, config, "mnist 14x14, 4 levels", history.Elapsed.TotalSeconds, Measure(model, config));
            }
            case NoisePredictorName:
            {
                var config = NoisePredictor;
                var net = DiffusionTraining.Build(config);
                var history = DiffusionTraining.Train(net, config, train, progress);
                net.eval();
                return Checkpoint.Save(net, path, config, "mnist 14x14", history.Elapsed.TotalSeconds, Measure(net, config));
            }
            case TextToDigitName:
            {
                var config = TextToDigit;
                var model = new TextConditionalModel(config);
                var history = model.Train(config, train, progress);
                return Checkpoint.Save(model, path, config, "mnist 14x14 train split, prompts from labels", history.Elapsed.TotalSeconds, Measure(model, config));
            }
            default:
                throw new HyperparameterException($"'{name}' is not a shipped model. Known: {string.Join(", ", Names)}.");
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
            _ => throw new HyperparameterException($"'{name}' is not a shipped model. Known: {string.Join(", ", Names)}."),
        };
        return Checkpoint.Save(measured.Model, path, measured.Config, old.Dataset, old.TrainingSeconds, measured.Metrics);

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
        Tensor FourLevels(Tensor images) => GreyLevels.ToImages(GreyLevels.Quantise(images, config.Levels), config.Levels);
        var scorer = Scorer(FourLevels);
        return (evaluations ?? [4, 16, 49, 196]).ToDictionary(e => $"frechet_random_{e}", e =>
        {
            using var scope = NewDisposeScope();
            var orders = PixelOrders.Random(SampleCount, config.ImageSize, config.ImageSize, e, Seeds.Set(7));
            return scorer.Score(GreyLevels.ToImages(PatchSampler.Generate(model, orders, new Generator(1)).Levels, config.Levels)).FrechetDistance;
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
                .Generate((x, t) => net.forward(x, t), [SampleCount, 1, config.ImageSize, config.ImageSize], Seeds.Set(8));
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
        var labels = arange(10L).repeat(SampleCount / 10);                                  // 0..9, 0..9, ...
        var sampler = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, 25);
        using var noGrad = no_grad();
        var prompts = model.Encode(labels.data<long>().ToArray().Select(d => Prompts.For("mnist", (int)d)[0]).ToList());
        return (scales ?? [1, 3]).ToDictionary(w => $"prompt_match_w{w:0.##}", w =>
        {
            using var scope = NewDisposeScope();
            var images = ((GuidedSampling.Generate(sampler, model.UNet, prompts, w, config.ImageSize, Seeds.Set(9)).Images + 1) / 2).clamp(0, 1);
            return judge.forward(images).argmax(1).eq(labels).to(float64).mean().item<double>();
        });
    }

    static SampleScorer Scorer(Func<Tensor, Tensor> prepare)
    {
        var (judge, _) = ClassifierCheckpoint.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        return new SampleScorer(judge, prepare(RealDigits.Split(test.Images).Reference));
    }
}
