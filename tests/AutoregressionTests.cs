// Autoregression: quantisation, raster order, causality of masked convolutions and of the per-pixel
// networks (checked with gradients), the sampler's determinism and seeding, the exact likelihood
// against a hand computation, and the config records' validation.
using Workbook.Autoregression;
using Workbook.Models;
using Workbook.Runtime;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class AutoregressionTests
{
    [Fact]
    public void Quantize_rounds_to_the_nearest_level_and_back()
    {
        var grey = tensor(new float[] { 0f, 0.1f, 0.2f, 0.5f, 0.9f, 1f, 1.3f });
        Assert.Equal(new long[] { 0, 0, 1, 2, 3, 3, 3 }, PixelLevels.Quantize(grey, 4).data<long>().ToArray()); // levels at 0, 1/3, 2/3, 1
        var back = PixelLevels.ToGrey(tensor(new long[] { 0, 1, 2, 3 }), 4).ToDoubles();
        foreach (var (want, got) in new[] { 0, 1.0 / 3, 2.0 / 3, 1 }.Zip(back)) Assert.Equal(want, got, 6);
        Assert.Equal(new double[] { 0, 0, 0, 0, 1, 1, 1 }, PixelLevels.Threshold(grey).ToDoubles());
    }

    [Fact]
    public void Binarize_draws_ones_at_the_grey_rate_and_repeats_with_the_same_seed()
    {
        var grey = full([20_000], 0.3f);
        var once = PixelLevels.Binarize(grey, new Generator(5));
        Assert.InRange(once.mean().item<float>(), 0.28, 0.32);
        Assert.True(once.allclose(PixelLevels.Binarize(grey, new Generator(5)), 0, 0));
        Assert.Equal(0, PixelLevels.Binarize(zeros(100), new Generator(1)).sum().item<float>());
        Assert.Equal(100, PixelLevels.Binarize(ones(100), new Generator(1)).sum().item<float>());
    }

    [Fact]
    public void Raster_order_visits_every_pixel_once_in_reading_order()
    {
        var order = PixelOrders.Raster(2, 3, 4);
        Assert.Equal(12, order.Steps);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), order.StepOfPixel[1].flatten().data<long>().ToArray());
        Assert.True(order.StepOfPixel[0].eq(order.StepOfPixel[1]).all().item<bool>());                     // the same for every image
    }

    [Fact]
    public void Masks_hide_the_future_and_only_mask_B_shows_the_centre()
    {
        // 3x3 mask A: 1 1 1 / 1 0 0 / 0 0 0; mask B adds the centre.
        Assert.Equal(new double[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 }, MaskedConv2d.Mask(3, MaskType.A).ToDoubles());
        Assert.Equal(new double[] { 1, 1, 1, 1, 1, 0, 0, 0, 0 }, MaskedConv2d.Mask(3, MaskType.B).ToDoubles());
    }

    /// <summary>Gradient of the output at (row, col) (summed over channels) with respect to every input pixel: (H*W).</summary>
    static double[] InputGradient(Func<Tensor, Tensor> model, int size, int row, int col, int channels = 1)
    {
        var x = rand([1, channels, size, size]).requires_grad_(true);
        model(x)[0, .., row, col].sum().backward();
        return x.grad!.abs().sum(1).flatten().ToDoubles();
    }

    [Fact]
    public void PixelCnn_output_at_i_has_zero_gradient_for_inputs_at_or_after_i()
    {
        Seeds.Global(0);
        var model = new PixelCnn(levels: 4, channels: 16, layers: 3, firstKernel: 5);
        const int size = 7;
        foreach (var (row, col) in new[] { (0, 0), (3, 3), (3, 0), (6, 6), (2, 5) })
        {
            var grad = InputGradient(model.forward, size, row, col);
            int i = row * size + col;
            for (int j = i; j < size * size; j++) Assert.True(grad[j] == 0, $"output {i} depends on input {j}");
            if (i > 0) Assert.True(grad.Take(i).Sum() > 0, $"output {i} should see some earlier pixel");
        }
    }

    [Fact]
    public void Mask_B_layer_lets_a_pixel_see_itself_and_mask_A_does_not()
    {
        Seeds.Global(1);
        var a = new MaskedConv2d(2, 3, 3, MaskType.A);
        var b = new MaskedConv2d(2, 3, 3, MaskType.B);
        int i = 2 * 5 + 2;
        Assert.Equal(0, InputGradient(a.forward, 5, 2, 2, channels: 2)[i]);
        Assert.True(InputGradient(b.forward, 5, 2, 2, channels: 2)[i] > 0);
        var gradB = InputGradient(b.forward, 5, 2, 2, channels: 2);
        for (int j = i + 1; j < 25; j++) Assert.Equal(0, gradB[j]);
    }

    [Fact]
    public void Per_pixel_networks_see_only_earlier_pixels_and_ForwardAt_matches_forward()
    {
        Seeds.Global(2);
        var nets = new PerPixelNetworks(4, 4, levels: 5, hidden: 6);
        foreach (int i in new[] { 0, 5, 15 })
        {
            var grad = InputGradient(nets.forward, 4, i / 4, i % 4);
            for (int j = 0; j < 16; j++)
                if (j >= i) Assert.Equal(0, grad[j]);
            if (i > 0) Assert.True(grad.Take(i).Sum() > 0);
        }
        var x = rand(3, 1, 4, 4);
        Assert.True(nets.ForwardAt(x, 9).allclose(nets.forward(x).flatten(2)[.., .., 9], 1e-5, 1e-5));
        Assert.Equal(16 * (16 * 6 + 6 + 6 * 5 + 5), nets.parameters().Sum(p => p.numel())); // 16 separate networks
    }

    [Fact]
    public void Shared_network_ignores_pixels_at_and_after_its_position()
    {
        Seeds.Global(3);
        var net = new SharedPixelNetwork(3, 3, levels: 4, hidden: 16);
        var x = rand([1, 1, 3, 3]).requires_grad_(true);
        net.forward(x, tensor(new long[] { 4 })).sum().backward();
        var grad = x.grad!.abs().flatten().ToDoubles();
        Assert.All(grad.Skip(4), g => Assert.Equal(0, g));
        Assert.True(grad.Take(4).Sum() > 0);
        var every = net.EveryPosition(x.detach());
        Assert.True(every.flatten(2)[.., .., 4].allclose(net.forward(x.detach(), tensor(new long[] { 4 })), 1e-5, 1e-5));
    }

    static PixelPredictor Untrained(int size, int levels)
    {
        Seeds.Global(4);
        var model = new PixelCnn(levels, channels: 8, layers: 2, firstKernel: 3);
        return PixelPredictors.FromLogitMaps(model.forward, levels);
    }

    [Fact]
    public void Greedy_sampling_is_deterministic_and_ignores_the_generator()
    {
        var predict = Untrained(5, 4);
        var greedy = new SamplingConfig(Greedy: true);
        var one = PixelSampler.Generate(predict, PixelOrders.Raster(3, 5, 5), 4, greedy, new Generator(1)).Levels;
        var two = PixelSampler.Generate(predict, PixelOrders.Raster(3, 5, 5), 4, greedy, new Generator(99)).Levels;
        Assert.True(one.allclose(two, 0, 0));
        Assert.True(one[0].allclose(one[1], 0, 0));   // every image in the batch is the same too
    }

    [Fact]
    public void Sampling_with_the_same_seed_repeats_and_different_seeds_differ()
    {
        var predict = Untrained(5, 4);
        var sampling = new SamplingConfig(Temperature: 1.0);
        Tensor Run(ulong seed) => PixelSampler.Generate(predict, PixelOrders.Raster(4, 5, 5), 4, sampling, new Generator(seed)).Levels;
        Assert.True(Run(7).eq(Run(7)).all().item<bool>());
        Assert.False(Run(7).eq(Run(8)).all().item<bool>());
        Assert.True(Run(7).ge(0).logical_and(Run(7).lt(4)).all().item<bool>());            // level indices 0..3
    }

    [Fact]
    public void Sampler_calls_back_once_per_pixel_and_fills_in_reading_order()
    {
        // A fake predictor that always says "level 3 for sure": each step should turn one more pixel white.
        var seen = new List<int>();
        PixelPredictor white = PixelPredictors.OnePixelAt((canvas, p) =>
        {
            seen.Add(p);
            return full([canvas.shape[0], 4], -100f).index_fill(1, tensor(new long[] { 3 }), 100f);
        }, 4);
        var filled = new List<double>();
        var kept = new List<Tensor>();
        var run = PixelSampler.Generate(white, PixelOrders.Raster(1, 3, 3), 4, new SamplingConfig(), new Generator(0),
            (step, levels) => { filled.Add(levels.eq(3).sum().item<long>()); kept.Add(levels.clone()); });
        Assert.Equal(1, kept[0].eq(3).sum().item<long>());                                    // what the callback kept outlives the step
        Assert.Equal(Enumerable.Range(1, 9).Select(n => (double)n), filled);
        Assert.Equal(Enumerable.Range(0, 9), seen);                                            // reading order
        Assert.Equal(9, run.Evaluations);                                                      // one call per step, counted
    }

    [Fact]
    public void A_one_pixel_predictor_refuses_an_order_that_fills_several_pixels_at_once()
    {
        var onePixel = PixelPredictors.OnePixelAt((canvas, p) => zeros(canvas.shape[0], 4), 4);
        var e = Assert.Throws<ArgumentException>(() =>
            PixelSampler.Generate(onePixel, PixelOrders.RasterPatches(1, 4, 4, 2), 4, new SamplingConfig(), new Generator(0)));
        Assert.Contains("one pixel per step", e.Message);
    }

    [Fact]
    public void Nll_matches_a_hand_computation()
    {
        // Two pixels (1x2 image), K = 2. Logits (0, 0): p = 1/2 each. Logits (ln 3, 0): p(level 0) = 3/4.
        var logits = tensor(new float[] { 0f, (float)Math.Log(3), 0f, 0f }, [1, 2, 1, 2]); // (B=1, K=2, H=1, W=2)
        var levels = tensor(new long[] { 1, 0 }, [1, 1, 1, 2]);
        double expected = Math.Log(2) + Math.Log(4.0 / 3);   // -ln(1/2) - ln(3/4)
        Assert.Equal(expected, Likelihood.NatsPerImage(logits, levels).item<float>(), 5);
        Assert.Equal(1.0, Likelihood.BitsPerDim(2 * Math.Log(2), 2), 12);   // uniform over 2 levels = 1 bit per pixel
    }

    [Fact]
    public void Uniform_model_scores_log2_K_bits_per_pixel()
    {
        var images = rand(10, 1, 4, 4);
        double nats = Likelihood.MeanNatsPerImage(x => zeros(x.shape[0], 8, 4, 4), images, levels: 8, chunk: 3);
        Assert.Equal(3.0, Likelihood.BitsPerDim(nats, 16), 5);
    }

    [Fact]
    public void Config_records_refuse_bad_values_by_name()
    {
        Assert.Contains("Temperature", Assert.Throws<HyperparameterException>(() => new SamplingConfig(Temperature: 0).Validate()).Message);
        Assert.Contains("Greedy", Assert.Throws<HyperparameterException>(() => new SamplingConfig(Temperature: -1).Validate()).Message);
        Assert.Contains("Row", Assert.Throws<HyperparameterException>(() => new OnePixelConfig(Row: 14).Validate()).Message);
        Assert.Contains("fewer than two", Assert.Throws<HyperparameterException>(() => new OnePixelConfig(Row: 0, Column: 1).Validate()).Message);
        Assert.Contains("Levels", Assert.Throws<HyperparameterException>(() => new OnePixelConfig(Levels: 1).Validate()).Message);
        Assert.Contains("8x8", Assert.Throws<HyperparameterException>(() => new PixelByPixelConfig(ImageSize: 14).Validate()).Message);
        Assert.Contains("WeightDecay", Assert.Throws<HyperparameterException>(() => new PixelByPixelConfig(WeightDecay: -0.1).Validate()).Message);
        Assert.Contains("odd", Assert.Throws<HyperparameterException>(() => new PixelCnnConfig(FirstKernel: 4).Validate()).Message);
        Assert.Contains("odd", Assert.Throws<HyperparameterException>(() => new MaskedConv2d(1, 1, 2, MaskType.A)).Message);
        // The defaults are valid.
        new SamplingConfig().Validate(); new OnePixelConfig().Validate(); new PixelByPixelConfig().Validate(); new PixelCnnConfig().Validate();
    }
}
