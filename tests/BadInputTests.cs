// Bad sizes handed to the code that draws random numbers: one clear exception each. TorchSharp 0.107's
// rand does not report a negative size or a failed allocation; the process dies later (SIGSEGV, seen
// in a separate process before these guards existed), so every path to it checks the shape first.
// The samplers check theirs too (randn and zeros fail there with the native allocator's words).
using Workbook.Autoregression;
using Workbook.Conditioning;
using Workbook.Models;
using Workbook.Patches;
using Workbook.Runtime;

namespace Workbook.Tests;

public class BadInputTests
{
    static readonly Tensor Huge = zeros(1).expand(1L << 40);   // a trillion values that take no memory until drawn

    [Fact]
    public void A_negative_batch_of_random_orders_is_refused_in_words()
    {
        Assert.Contains("batch = -1: it counts something", Assert.Throws<HyperparameterException>(() => PixelOrders.Random(-1, 14, 14, 4, new Generator(0))).Message);
        Assert.Contains("batch = -1", Assert.Throws<HyperparameterException>(() => PixelOrders.TrainingMasks(-1, 14, 14, [1, 2], 0.5, new Generator(0))).Message);
        Assert.Contains("batch = -1", Assert.Throws<HyperparameterException>(() => PixelOrders.RandomRanks(-1, 10, new Generator(0))).Message);
    }

    [Fact]
    public void A_batch_of_random_orders_too_large_for_memory_is_refused_before_it_is_drawn()
    {
        var e = Assert.Throws<ArgumentException>(() => PixelOrders.Random(100_000_000, 28, 28, 4, new Generator(0)));
        Assert.Contains("PixelOrders.Random: a tensor of shape (100000000, 784)", e.Message);
        Assert.Contains("314 GB", e.Message);
        Assert.Contains("8 GB", e.Message);
        Assert.Contains("PixelOrders.TrainingMasks", Assert.Throws<ArgumentException>(() => PixelOrders.TrainingMasks(100_000_000, 28, 28, [1], 0.5, new Generator(0))).Message);
    }

    [Fact]
    public void Per_pixel_networks_whose_weights_would_not_fit_are_refused_before_they_are_drawn()
    {
        // 784 networks of 784 x 4096 weights each: 10.1 GB for the first layer alone.
        var e = Assert.Throws<ArgumentException>(() => new PerPixelNetworks(28, 28, 17, 4096));
        Assert.Contains("PerPixelNetworks(28x28, hidden 4096)", e.Message);
        Assert.Contains("10.1 GB", e.Message);
        Assert.Contains("height = -28", Assert.Throws<HyperparameterException>(() => new PerPixelNetworks(-28, -28, 4, 8)).Message);
    }

    [Fact]
    public void Binarizing_a_tensor_too_large_for_memory_is_refused()
    {
        Assert.Contains("PixelLevels.Binarize: a tensor of shape (1099511627776)", Assert.Throws<ArgumentException>(() => PixelLevels.Binarize(Huge, new Generator(0))).Message);
        Assert.Equal([2L, 3], PixelLevels.Binarize(zeros(2, 3), new Generator(0)).shape);   // an ordinary one still works
    }

    [Fact]
    public void Dropping_the_condition_of_a_huge_or_misshapen_batch_is_refused()
    {
        var net = new UNet(channels: 8, timeDim: 4, conditionShape: [4]);
        Assert.Contains("UNet.DropCondition", Assert.Throws<ArgumentException>(() => net.DropCondition(zeros(1, 4).expand(1L << 40, 4), 0.5, new Generator(0))).Message);
        Assert.Contains("this U-Net expects (3, 4)", Assert.Throws<ArgumentException>(() => net.DropCondition(zeros(3, 5), 0.5, new Generator(0))).Message);
        Assert.Contains("a single number", Assert.Throws<ArgumentException>(() => net.DropCondition(zeros([]), 0.5, new Generator(0))).Message);
    }

    [Fact]
    public void Sampling_a_batch_of_a_negative_or_too_large_shape_is_refused_before_the_noise_is_drawn()
    {
        var sampler = new Workbook.Diffusion.DdimSampler(Workbook.Diffusion.NoiseSchedule.Linear(10), Workbook.Diffusion.PredictionTarget.Noise, 2);
        Assert.Contains("negative size", Assert.Throws<ArgumentException>(() => sampler.Generate((x, t) => x, [-1, 1, 8, 8], new Generator(0))).Message);
        Assert.Contains("Sampler.Generate: a tensor of shape (1048576, 1, 64, 64)", Assert.Throws<ArgumentException>(() => sampler.Generate((x, t) => x, [1 << 20, 1, 64, 64], new Generator(0))).Message);
        PixelPredictor uniform = (levels, _, _) => zeros(levels.shape[0], 4, levels.shape[2], levels.shape[3]);
        Assert.Contains("PixelOrders.Random", Assert.Throws<ArgumentException>(() => PixelOrders.Random(1 << 30, 64, 64, 4, new Generator(0))).Message);
        Assert.Contains("height = 0", Assert.Throws<HyperparameterException>(() => PixelOrders.Raster(2, 0, 8)).Message);
        var wrongShape = Assert.Throws<ArgumentException>(() => PixelSampler.Generate((levels, _, _) => zeros(1, 3, 2, 2),
            PixelOrders.Raster(1, 2, 2), 4, new SamplingConfig(), new Generator(0)));
        Assert.Contains("the predictor returned logits of shape (1, 3, 2, 2); the sampler needs (1, 4, 2, 2)", wrongShape.Message);
        Assert.Contains("levels = 1", Assert.Throws<HyperparameterException>(() =>
            PixelSampler.Generate(uniform, PixelOrders.Raster(1, 2, 2), 1, new SamplingConfig(), new Generator(0))).Message);
    }

    [Fact]
    public void Evaluating_in_chunks_of_zero_images_is_refused_instead_of_looping_forever()
    {
        // Both looped forever before (seen in a separate process, killed after 20 s).
        var judge = new Workbook.Metrics.ReferenceClassifier(new Workbook.Metrics.ReferenceClassifierConfig(Channels1: 2, Channels2: 2, Features: 4));
        var data = new Workbook.Data.ImageDataset("blank", zeros(4, 1, 14, 14), zeros([4], int64), ["0", "1"]);
        Assert.Contains("batchSize = 0", Assert.Throws<HyperparameterException>(() => judge.Accuracy(data, batchSize: 0)).Message);
        Assert.Contains("chunk = 0", Assert.Throws<HyperparameterException>(() => Likelihood.MeanNatsPerImage(x => zeros(x.shape[0], 4, 8, 8), zeros(4, 1, 8, 8), 4, chunk: 0)).Message);
    }

    [Fact]
    public void Prompts_for_labels_that_are_huge_misshapen_or_out_of_range_are_refused()
    {
        var table = new PromptTable("mnist");
        Assert.Contains("PromptTable.Sample", Assert.Throws<ArgumentException>(() => table.Sample(zeros([1], int64).expand(1L << 40), new Generator(0))).Message);
        Assert.Contains("shape (B)", Assert.Throws<ArgumentException>(() => table.Sample(zeros([2, 2], int64), new Generator(0))).Message);
        Assert.Contains("0..9; found 0 to 12", Assert.Throws<ArgumentException>(() => table.Sample(tensor(new long[] { 0, 12 }), new Generator(0))).Message);
        Assert.Equal(2, table.Sample(tensor(new long[] { 3, 7 }), new Generator(0)).shape[0]);
    }
}
