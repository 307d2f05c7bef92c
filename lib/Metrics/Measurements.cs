// The numbers the shipped models are known by, each measured one way everywhere: when a checkpoint
// is made (its manifest records them), in the tests (which re-measure them) and in the chapters that
// quote them. Every seed and every setting is an argument, so a reader sees what was measured.
using Workbook.Autoregression;
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Models;
using Workbook.Patches;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Metrics;

public static class Measurements
{
    /// <summary>
    /// The shipped reference classifier scoring against the reference half of the test split (RealDigits.Split),
    /// both prepared by <paramref name="prepare"/> (e.g. quantised to the model's grey levels; default: as they are).
    /// </summary>
    public static SampleScorer ReferenceScorer(Func<Tensor, Tensor>? prepare = null, int imageSize = 14)
    {
        var (judge, _) = ReferenceClassifier.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: imageSize);
        var reference = RealDigits.Split(test.Images).Reference;
        return new SampleScorer(judge, prepare is null ? reference : prepare(reference));
    }

    /// <summary>
    /// Fréchet distance of <paramref name="samples"/> random-order samples of the any-order model at each number of
    /// evaluations (keys frechet_random_N); orders from <paramref name="orderSeed"/>, pixel draws from <paramref name="sampleSeed"/>.
    /// </summary>
    public static Dictionary<string, double> RandomOrderFrechet(AnyOrderModel model, int[] evaluations, int samples,
        int orderSeed, int sampleSeed)
    {
        int levels = model.Config.Levels, size = model.Config.ImageSize;
        Tensor AsLevels(Tensor images) => PixelLevels.ToGrey(PixelLevels.Quantize(images, levels), levels);
        var scorer = ReferenceScorer(AsLevels, size);
        return evaluations.ToDictionary(e => $"frechet_random_{e}", e =>
        {
            using var scope = NewDisposeScope();
            var orders = PixelOrders.Random(samples, size, size, e, Seeds.Generator(orderSeed));
            var drawn = model.Generate(orders, Seeds.Generator(sampleSeed)).Levels;
            return scorer.Score(PixelLevels.ToGrey(drawn, levels)).FrechetDistance;
        });
    }

    /// <summary>Fréchet distance of <paramref name="samples"/> DDIM samples at each number of steps (keys frechet_ddim_N).</summary>
    public static Dictionary<string, double> DdimFrechet(UNet net, NoiseSchedule schedule, PredictionTarget target,
        int imageSize, int[] steps, int samples, int seed)
    {
        var scorer = ReferenceScorer(imageSize: imageSize);
        return steps.ToDictionary(n => $"frechet_ddim_{n}", n =>
        {
            using var scope = NewDisposeScope();
            var run = new DdimSampler(schedule, target, n).Generate(net.Predict, [samples, 1, imageSize, imageSize], Seeds.Generator(seed));
            return scorer.Score(((run.Images + 1) / 2).clamp(0, 1)).FrechetDistance;
        });
    }

    /// <summary>
    /// Share of samples the reference classifier labels as the prompted digit ("a handwritten seven" and so on),
    /// <paramref name="samples"/> in all (digits 0..9 in turn), <paramref name="steps"/> DDIM steps, at each guidance
    /// scale (keys prompt_match_wW).
    /// </summary>
    public static Dictionary<string, double> PromptMatch(TextConditionalModel model, NoiseSchedule schedule, int imageSize,
        double[] scales, int samples, int steps, int seed)
    {
        var (judge, _) = ReferenceClassifier.LoadShipped();
        var labels = arange(10L, device: TorchRuntime.Device).repeat(samples / 10);                 // 0..9, 0..9, ...
        var sampler = new DdimSampler(schedule, PredictionTarget.Noise, steps);
        using var noGrad = no_grad();
        var prompts = model.Encode(labels.data<long>().ToArray().Select(d => Prompts.For("mnist", (int)d)[0]).ToList());
        return scales.ToDictionary(w => $"prompt_match_w{w:0.##}", w =>
        {
            using var scope = NewDisposeScope();
            var run = GuidedSampling.Generate(sampler, model.UNet, prompts, w, imageSize, Seeds.Generator(seed));
            var images = ((run.Images + 1) / 2).clamp(0, 1);
            return judge.forward(images).argmax(1).eq(labels).to(float64).mean().item<double>();
        });
    }

    /// <summary>
    /// Mean squared error on <paramref name="count"/> held-out test digits noised to random steps with fixed noise: the
    /// number the network was trained to lower, for its own <paramref name="target"/> (key test_loss).
    /// </summary>
    public static Dictionary<string, double> TestLoss(UNet net, NoiseSchedule schedule, PredictionTarget target,
        int imageSize, int count, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var test = RealDigits.Split(Datasets.Load("mnist", Split.Test, size: imageSize).Images).HeldOut[..count];
        var example = TrainingExamples.Make(schedule, target, test * 2 - 1, Seeds.Generator(seed));
        return new() { ["test_loss"] = nn.functional.mse_loss(net.Predict(example.Xt, example.T), example.Target).item<float>() };
    }

    /// <summary>
    /// How well samples fit their sketches: <paramref name="count"/> held-out test digits' sketches, one sample each,
    /// mean absolute difference between the sample's own sketch and the one asked for (key sketch_fit, 0 = perfect).
    /// </summary>
    public static Dictionary<string, double> SketchFit(UNet net, NoiseSchedule schedule, int imageSize, int sketchSize,
        int count, int steps, int seed)
    {
        using var scope = NewDisposeScope();
        var test = RealDigits.Split(Datasets.Load("mnist", Split.Test, size: imageSize).Images).HeldOut[..count];
        var sketches = Sketches.Coarse(test * 2 - 1, sketchSize);
        var run = new DdimSampler(schedule, PredictionTarget.Noise, steps)
            .Generate((x, t) => net.Predict(x, t, sketches), [count, 1, imageSize, imageSize], Seeds.Generator(seed));
        var drawn = ((run.Images + 1) / 2).clamp(0, 1);
        return new() { ["sketch_fit"] = (Sketches.Coarse(drawn, sketchSize) - (sketches + 1) / 2).abs().mean().item<float>() };
    }

    /// <summary>
    /// How well an outline model's samples follow the outlines of held-out test digits (keys ink_on_line, higher is
    /// better, and ink_off_line, lower is better: Sketches.LineFit), DDIM with a fixed seed.
    /// </summary>
    public static Dictionary<string, double> OutlineFit(UNet net, SketchModelConfig config, int count, int steps, int seed)
    {
        using var scope = NewDisposeScope();
        var test = RealDigits.Split(Datasets.Load("mnist", Split.Test, size: config.ImageSize).Images).HeldOut[..count];
        var outlines = Sketches.Outline(test);
        var run = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, steps)
            .Generate((x, t) => net.Predict(x, t, outlines * 2 - 1), [count, 1, config.ImageSize, config.ImageSize], Seeds.Generator(seed));
        var (on, off) = Sketches.LineFit(((run.Images + 1) / 2).clamp(0, 1), outlines);
        return new() { ["ink_on_line"] = on, ["ink_off_line"] = off };
    }

    /// <summary>Share of the test split a classifier labels correctly (key test_accuracy).</summary>
    public static Dictionary<string, double> TestAccuracy(ReferenceClassifier classifier)
    {
        var test = Datasets.Load(classifier.Config.Dataset, Split.Test, size: classifier.Config.ImageSize);
        return new() { ["test_accuracy"] = Math.Round(classifier.Accuracy(test), 4) };
    }

    /// <summary>
    /// A next-character model on its corpus's held-out last tenth: test loss in nats per character (key test_nats_per_char),
    /// and the share of real words in <paramref name="characters"/> characters drawn at <paramref name="temperature"/>
    /// after <paramref name="prompt"/> (key known_words_at_T).
    /// </summary>
    public static Dictionary<string, double> TextModel(CausalTransformer model, TextCorpus corpus, string prompt,
        int characters, double temperature, int seed)
    {
        var (_, test) = corpus.Split();
        var drawn = NextToken.Generate(model, corpus.Encode(prompt).data<long>().ToArray(), characters, temperature, Seeds.Generator(seed));
        return new()
        {
            ["test_nats_per_char"] = Math.Round(NextToken.StreamLoss(model, test), 4),
            [$"known_words_at_{temperature}"] = Math.Round(corpus.ShareOfKnownWords(corpus.Decode(drawn)), 4),
        };
    }
}
