// Every model shipped in data/checkpoints still loads into the code's current architecture with the
// record the notebooks ask for, its checksum holds, and it reproduces a number its manifest recorded
// (measured the way its manifest was: Metrics/Measurements, with the seeds ShippedModels gives): a checkpoint cannot silently go stale
// against the code.
using System.Text.Json;
using Workbook.Classroom;
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Patches;
using Workbook.Training;

namespace Workbook.Tests;

[Collection("serial")]
public class ShippedCheckpointTests
{
    static CheckpointManifest Load(nn.Module model, string name, object config)
    {
        string path = Checkpoint.PathFor(name);
        Assert.True(File.Exists(path), $"{name} is not in data/checkpoints: dotnet run -c Release --project notebooks/Runner -- --train-shipped {name}");
        return Checkpoint.Load(model, path, config);   // also checks the checksum, the record and every parameter's shape
    }

    static void Reproduces(IReadOnlyDictionary<string, double> recorded, Dictionary<string, double> measured, double tolerance)
    {
        foreach (var (key, value) in measured)
            Assert.True(Math.Abs(value - recorded[key]) <= tolerance, $"{key}: recorded {recorded[key]:F3}, measured now {value:F3}");
    }

    [Fact]
    public void Any_order_model_reproduces_its_recorded_distance_at_16_evaluations()
    {
        var model = AnyOrderTraining.Build(ShippedModels.AnyOrder);
        var manifest = Load(model, ShippedModels.AnyOrderName, ShippedModels.AnyOrder);
        var measured = Measurements.RandomOrderFrechet(model, [16], ShippedModels.SampleCount, orderSeed: 7, sampleSeed: 1);
        Reproduces(manifest.Metrics, measured, 0.15 * manifest.Metrics["frechet_random_16"] + 1);
    }

    [Fact]
    public void Noise_predictor_reproduces_its_recorded_distance_at_10_ddim_steps()
    {
        var net = DiffusionTraining.Build(ShippedModels.NoisePredictor);
        var manifest = Load(net, ShippedModels.NoisePredictorName, ShippedModels.NoisePredictor);
        var measured = Measurements.DdimFrechet(net, ShippedModels.NoisePredictor.CreateSchedule(), PredictionTarget.Noise, 14, [10], ShippedModels.SampleCount, seed: 8);
        Reproduces(manifest.Metrics, measured, 0.15 * manifest.Metrics["frechet_ddim_10"] + 1);
    }

    [Fact]
    public void Text_to_digit_model_reproduces_its_recorded_prompt_match_with_guidance()
    {
        var model = new TextConditionalModel(ShippedModels.TextToDigit);
        var manifest = Load(model, ShippedModels.TextToDigitName, ShippedModels.TextToDigit);
        var measured = Measurements.PromptMatch(model, ShippedModels.TextToDigit.CreateSchedule(), 14, [3], ShippedModels.SampleCount, steps: 25, seed: 9);
        Reproduces(manifest.Metrics, measured, 0.04);   // 500 samples: a few percentage points of sampling noise across machines
    }

    [Theory]
    [InlineData(PredictionTarget.Noise, ShippedModels.ShortTargetSteps)]
    [InlineData(PredictionTarget.CleanImage, ShippedModels.ShortTargetSteps)]
    [InlineData(PredictionTarget.PreviousSample, ShippedModels.ShortTargetSteps)]
    [InlineData(PredictionTarget.CleanImage, ShippedModels.LongTargetSteps)]
    [InlineData(PredictionTarget.PreviousSample, ShippedModels.LongTargetSteps)]
    public void Chapter_7s_target_trainings_reproduce_their_test_loss_and_carry_their_loss_curve(PredictionTarget target, int steps)
    {
        var config = ShippedModels.TargetComparison(target, steps);
        var net = DiffusionTraining.Build(config);
        string name = ShippedModels.TargetComparisonName(target, steps);
        var manifest = Load(net, name, config);
        Reproduces(manifest.Metrics, ShippedModels.Get(name).Measure(net), 0.02 * manifest.Metrics["test_loss"]);
        Assert.Equal(config.TrainingSteps, manifest.Losses?.Count);   // chapter 7 charts it
    }

    [Fact]
    public void The_noise_target_at_the_long_budget_is_the_shipped_noise_predictor()
    {
        var record = ShippedModels.TargetComparison(PredictionTarget.Noise, ShippedModels.LongTargetSteps);
        Assert.Equal(ShippedModels.NoisePredictor, record);
        Assert.Equal(ShippedModels.NoisePredictorName,
            ShippedModels.TargetComparisonName(PredictionTarget.Noise, ShippedModels.LongTargetSteps));
    }

    [Fact]
    public void Sketch_model_reproduces_how_well_its_samples_fit_their_sketches()
    {
        var config = ShippedModels.SketchToDigit;
        var net = SketchModel.Build(config);
        var manifest = Load(net, ShippedModels.SketchToDigitName, config);
        Reproduces(manifest.Metrics, ShippedModels.Get(ShippedModels.SketchToDigitName).Measure(net), 0.25 * manifest.Metrics["sketch_fit"] + 0.002);
    }

    [Fact]
    public void Outline_model_reproduces_how_much_of_its_ink_follows_the_outlines()
    {
        var config = ShippedModels.OutlineToDigit;
        var net = SketchModel.Build(config);
        var manifest = Load(net, ShippedModels.OutlineToDigitName, config);
        Reproduces(manifest.Metrics, ShippedModels.Get(ShippedModels.OutlineToDigitName).Measure(net), 0.03);
    }

    [Fact]
    public void Any_order_model_carries_the_loss_curve_chapter_5_charts()
    {
        var manifest = Checkpoint.Verify(Checkpoint.PathFor(ShippedModels.AnyOrderName));
        Assert.Equal(ShippedModels.AnyOrder.Steps, manifest.Losses?.Count);
        Assert.True(manifest.Losses![^1] < manifest.Losses[0]);
    }

    [Fact]
    public void Every_model_in_the_table_loads_strictly_from_its_checkpoint_with_its_record()
    {
        foreach (var shipped in ShippedModels.All)
        {
            var (model, manifest) = ShippedModels.Load(shipped.Name);   // checksum, record, every parameter's name and shape
            Assert.Equal(shipped.Name, manifest.Name);
            Assert.NotEmpty(manifest.Metrics);
            model.Dispose();
        }
    }

    [Fact]
    public void Every_shipped_checkpoint_has_an_intact_manifest_and_checksum_and_is_a_known_model()
    {
        var files = Directory.GetFiles(Path.Combine(DataFolder.Locate(), "checkpoints"), "*.bin");
        Assert.NotEmpty(files);
        foreach (string weights in files)
        {
            string name = Path.GetFileNameWithoutExtension(weights);
            string manifest = Checkpoint.ManifestPath(weights);
            Assert.True(File.Exists(manifest), $"{name}.bin has no manifest");
            string sha = JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("Sha256").GetString()!;
            Assert.Equal(sha, Checkpoint.Sha256Of(weights));
            Assert.True(ShippedModels.Names.Contains(name), $"{name} is shipped but the table in Classroom/ShippedModels.cs does not know it");
        }
    }
}
