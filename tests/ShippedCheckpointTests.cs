// Every model shipped in data/checkpoints still loads into the code's current architecture, its
// checksum holds, and it reproduces a number its manifest recorded: a checkpoint cannot silently go
// stale against the code.
using System.Text.Json;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

[Collection("serial")]
public class ShippedCheckpointTests
{
    static CheckpointManifest Manifest(string name) => Checkpoint.Verify(Checkpoint.PathFor(name));

    static T ConfigOf<T>(CheckpointManifest manifest) => manifest.Config.Deserialize<T>()!;

    static SampleScorer Scorer(Func<Tensor, Tensor> prepare)
    {
        var (judge, _) = ClassifierCheckpoint.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        return new SampleScorer(judge, prepare(test.Images[..5000]));
    }

    [Fact]
    public void Any_order_model_reproduces_its_recorded_distance_at_16_evaluations()
    {
        string name = "anyorder-mnist14";
        Assert.True(File.Exists(Checkpoint.PathFor(name)), $"{name} is not in data/checkpoints: run chapter 8 in full mode with WORKBOOK_SAVE_CHECKPOINTS=1");
        var manifest = Manifest(name);
        var config = ConfigOf<AnyOrderModelConfig>(manifest);
        var model = AnyOrderTraining.Build(config);
        Checkpoint.Load(model, Checkpoint.PathFor(name), config);
        Tensor FourLevels(Tensor images) => GreyLevels.ToImages(GreyLevels.Quantise(images, config.Levels), config.Levels);
        var samples = PatchSampler.Generate(model, PixelOrders.Random(500, 14, 14, 16, Seeds.Set(7)), new Generator(1)).Levels;   // as chapter 8 does
        double distance = Scorer(FourLevels).Score(GreyLevels.ToImages(samples, config.Levels)).FrechetDistance;
        double recorded = manifest.Metrics["frechet_random_16"];
        Assert.True(Math.Abs(distance - recorded) < 0.15 * recorded + 1, $"recorded {recorded:F2}, measured now {distance:F2}");
    }

    [Fact]
    public void Noise_predictor_reproduces_its_recorded_distance_at_10_ddim_steps()
    {
        string name = "noise-unet-mnist14";
        Assert.True(File.Exists(Checkpoint.PathFor(name)), $"{name} is not in data/checkpoints: run chapter 8 in full mode with WORKBOOK_SAVE_CHECKPOINTS=1");
        var manifest = Manifest(name);
        var config = ConfigOf<DiffusionConfig>(manifest);
        var net = DiffusionTraining.Build(config);
        Checkpoint.Load(net, Checkpoint.PathFor(name), config);
        var run = new DdimSampler(config.CreateSchedule(), PredictionTarget.Noise, 10).Generate((x, t) => net.forward(x, t), [500, 1, 14, 14], Seeds.Set(8));
        double distance = Scorer(x => x).Score(((run.Images + 1) / 2).clamp(0, 1)).FrechetDistance;
        double recorded = manifest.Metrics["frechet_ddim_10"];
        Assert.True(Math.Abs(distance - recorded) < 0.15 * recorded + 1, $"recorded {recorded:F2}, measured now {distance:F2}");
    }

    [Fact]
    public void Every_shipped_checkpoint_has_an_intact_manifest_and_checksum()
    {
        var files = Directory.GetFiles(Path.Combine(DataFolder.Locate(), "checkpoints"), "*.bin");
        Assert.NotEmpty(files);
        foreach (string weights in files)
        {
            string manifest = Checkpoint.ManifestPath(weights);
            Assert.True(File.Exists(manifest), $"{Path.GetFileName(weights)} has no manifest");
            string sha = JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("Sha256").GetString()!;
            Assert.Equal(sha, Checkpoint.Sha256Of(weights));
        }
    }
}
