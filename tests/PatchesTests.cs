// Chapter 5's orders, masks, any-order model and sampler: every pixel generated exactly once, masks of
// both kinds, and a model whose predictions depend only on the visible pixels.
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Autoregression;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class PatchesTests
{
    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Theory]
    [InlineData(14, 14, 1, 196)]
    [InlineData(14, 14, 2, 49)]
    [InlineData(14, 14, 4, 16)]
    [InlineData(14, 14, 7, 4)]
    [InlineData(14, 14, 14, 1)]
    [InlineData(6, 9, 4, 6)]
    public void Raster_patches_cover_the_image_once_in_contiguous_squares(int height, int width, int patch, int steps)
    {
        var table = PixelOrders.RasterPatchSteps(height, width, patch);
        Assert.Equal(steps, PixelOrders.RasterPatchCount(height, width, patch));
        for (int s = 0; s < steps; s++)
        {
            var cells = Enumerable.Range(0, height * width).Where(i => table[i / width, i % width] == s).ToArray();
            Assert.NotEmpty(cells);
            int top = cells.Min(i => i / width), bottom = cells.Max(i => i / width), left = cells.Min(i => i % width), right = cells.Max(i => i % width);
            Assert.True(bottom - top < patch && right - left < patch, $"step {s} spans more than a {patch}x{patch} square");
            Assert.Equal((bottom - top + 1) * (right - left + 1), cells.Length); // a full rectangle: contiguous
            Assert.Equal(0, top % patch);
        }
        // Every pixel has exactly one step in 0..steps-1, and steps increase in raster order of the squares.
        Assert.All(table.Cast<long>(), v => Assert.InRange(v, 0, steps - 1));
        Assert.Equal(0, table[0, 0]);
        Assert.Equal(steps - 1, table[height - 1, width - 1]);
    }

    [Theory]
    [InlineData(196)]
    [InlineData(49)]
    [InlineData(16)]
    [InlineData(3)]
    [InlineData(1)]
    public void Random_orders_generate_every_pixel_exactly_once_in_even_scattered_steps(int steps)
    {
        var order = PixelOrders.Random(8, 14, 14, steps, new Generator(4));
        var count = zeros([8, 1, 14, 14], int64);
        for (int s = 0; s < steps; s++)
        {
            var now = order.GeneratedAt(s);
            Assert.False(order.VisibleBefore(s).logical_and(now).any().item<bool>(), "a pixel generated twice");
            count += now.to(int64);
            var perImage = now.flatten(1).sum(1).ToDoubles();
            Assert.All(perImage, n => Assert.InRange(n, Math.Floor(196.0 / steps), Math.Ceiling(196.0 / steps)));
        }
        Assert.True(count.eq(1).all().item<bool>());
        if (steps > 1) Assert.False(Same(order.StepOfPixel[0], order.StepOfPixel[1]), "two images got the same order");
    }

    [Fact]
    public void Training_masks_are_random_subsets_or_raster_prefixes()
    {
        var generator = new Generator(7);
        var randomMasks = PixelOrders.TrainingMasks(400, 14, 14, [1, 2, 4, 7], 1.0, generator);
        var counts = randomMasks.flatten(1).sum(1).ToDoubles();
        Assert.InRange(counts.Min(), 0, 20);
        Assert.InRange(counts.Max(), 176, 195);   // never everything visible: something is left to predict

        var prefixes = PixelOrders.TrainingMasks(200, 14, 14, [2, 7], 0.0, generator);
        var tables = new[] { 2, 7 }.Select(p => tensor(PixelOrders.RasterPatchSteps(14, 14, p))).ToArray();
        for (int i = 0; i < 200; i++)
        {
            var mask = prefixes[i, 0];
            bool isPrefix = tables.Any(t => Enumerable.Range(0, 50).Any(s => Same(t.lt(s), mask)));
            Assert.True(isPrefix, $"mask {i} is not a raster-patch prefix");
        }
    }

    static AnyOrderModel SmallModel() =>
        new(new AnyOrderModelConfig() with { ImageSize = 6, Levels = 3, Hidden = 16 });

    [Fact]
    public void Predictions_depend_only_on_visible_pixels()
    {
        Workbook.Runtime.Seeds.Global(0);
        var model = SmallModel();
        var generator = new Generator(1);
        var levels = randint(0, 3, [4, 1, 6, 6], generator: generator);
        var visible = rand([4, 1, 6, 6], generator: generator).lt(0.5);
        var before = model.forward(levels, visible);

        var changedHidden = where(visible, levels, (levels + 1) % 3);            // every hidden pixel changed
        Assert.True(Same(model.forward(changedHidden, visible), before));

        var changedVisible = where(visible, (levels + 1) % 3, levels);           // every visible pixel changed
        Assert.False(model.forward(changedVisible, visible).allclose(before));   // so the test above can fail
    }

    [Fact]
    public void Loss_counts_only_hidden_pixels()
    {
        var model = SmallModel();
        var levels = randint(0, 3, [4, 1, 6, 6], generator: new Generator(2));
        Assert.Equal(0f, model.Loss(levels, ones([4, 1, 6, 6], @bool)).item<float>());
        // Nothing visible and an untrained model: close to the cross-entropy of a uniform guess, ln 3.
        Assert.InRange(model.Loss(levels, zeros([4, 1, 6, 6], @bool)).item<float>(), Math.Log(3) - 0.3, Math.Log(3) + 0.3);
    }

    [Fact]
    public void Sampler_fills_every_pixel_with_one_evaluation_per_step()
    {
        var model = SmallModel();
        var order = PixelOrders.RasterPatches(5, 6, 6, 4);
        int calls = 0;
        var counter = model.register_forward_hook(_ => calls++);
        var counted = model.Generate(order, new Generator(3));
        counter.remove();
        Assert.Equal(order.Steps, calls);                 // 4 patches of 4x4 in a 6x6 image: 4 network calls ...
        Assert.Equal(calls, counted.Evaluations);         // ... and the run reports the calls it made
        var samples = model.Generate(order, new Generator(3));
        Assert.Equal(new long[] { 5, 1, 6, 6 }, samples.Levels.shape);
        Assert.True(samples.Levels.ge(0).logical_and(samples.Levels.lt(3)).all().item<bool>());
        // Deterministic given the generator's seed.
        Assert.True(Same(model.Generate(order, new Generator(3)).Levels, samples.Levels));
    }

    [Fact]
    public void A_completion_keeps_the_given_pixels_and_draws_the_hidden_ones_one_at_a_time_or_all_at_once()
    {
        Workbook.Runtime.Seeds.Global(0);
        var model = SmallModel();
        var image = randint(0, 3, [1, 1, 6, 6], generator: new Generator(5));
        var hidden = zeros([6, 6], @bool);
        hidden[TensorIndex.Slice(1, 3), TensorIndex.Slice(2, 5)] = tensor(true);   // a 2x3 region: 6 pixels
        foreach (bool allAtOnce in new[] { false, true })
        {
            var run = Completion.Fill(model, image, hidden, 8, allAtOnce, new Generator(6));
            Assert.Equal(allAtOnce ? 1 : 6, run.Evaluations);
            var given = hidden.logical_not().expand(8, 1, 6, 6);
            Assert.True(Same(run.Levels.masked_select(given), image.expand(8, 1, 6, 6).masked_select(given)));
        }
        // One at a time, step s sees the given pixels and the hidden ones before it in reading order.
        var order = PixelOrders.Completion(1, hidden, allAtOnce: false);
        Assert.True(Same(order.VisibleBefore(0)[0, 0], hidden.logical_not()));
        Assert.True(order.VisibleBefore(3)[0, 0, 1, 4].item<bool>() && !order.VisibleBefore(3)[0, 0, 2, 2].item<bool>());
        Assert.Contains("nothing to complete", Assert.Throws<ArgumentException>(
            () => PixelOrders.Completion(1, zeros([6, 6], @bool), true)).Message);
    }

    [Fact]
    public void A_completions_log_likelihood_is_the_chain_rule_read_pixel_by_pixel()
    {
        // Reference: for each hidden pixel, its own visibility mask built from a list of coordinates.
        Workbook.Runtime.Seeds.Global(1);
        var model = SmallModel();
        var completed = randint(0, 3, [3, 1, 6, 6], generator: new Generator(7));
        var hiddenAt = new List<(int Row, int Column)> { (0, 5), (3, 1), (3, 4), (5, 0) };   // reading order
        var hidden = zeros([6, 6], @bool);
        foreach (var (r, c) in hiddenAt) hidden[r, c] = tensor(true);
        var expected = new double[3];
        for (int k = 0; k < hiddenAt.Count; k++)
        {
            var visible = ones([3, 1, 6, 6], @bool);
            foreach (var (r, c) in hiddenAt.Skip(k)) visible[.., .., r, c] = tensor(false);
            var logP = nn.functional.log_softmax(model.forward(completed, visible), 1);
            var (row, column) = hiddenAt[k];
            for (int b = 0; b < 3; b++)
                expected[b] += logP[b, completed[b, 0, row, column].item<long>(), row, column].item<float>();
        }
        var actual = Completion.LogLikelihood(model, completed, hidden).ToDoubles();
        for (int b = 0; b < 3; b++) Assert.Equal(expected[b], actual[b], 4);
    }

    [Fact]
    public void Pixel_correlation_is_one_for_a_flat_field_zero_for_independent_noise_and_skips_constant_pixels()
    {
        var generator = new Generator(8);
        var flat = rand([2000, 1, 1, 1], generator: generator).expand(2000, 1, 4, 4);
        var (distances, correlation, pairs) = PixelCorrelation.ByDistance(flat);
        Assert.Equal([1, 2, 3, 4], distances);                                   // 4x4: distances 1 .. round(sqrt 18) = 4
        Assert.All(correlation, c => Assert.Equal(1.0, c, 6));
        Assert.Equal(16 * 15 / 2, pairs.Sum());

        var noise = rand([20000, 1, 4, 4], generator: generator);
        noise[.., .., 0, 0] = tensor(0.5f);                                       // one constant pixel: left out
        var (_, noiseCorrelation, noisePairs) = PixelCorrelation.ByDistance(noise);
        Assert.All(noiseCorrelation, c => Assert.InRange(c, -0.03, 0.03));
        Assert.Equal(15 * 14 / 2, noisePairs.Sum());

        var rarelyInked = rand([1000, 1, 4, 4], generator: generator);
        rarelyInked[TensorIndex.Slice(100, null), .., 0, 0] = tensor(0f);        // ink in 10 % of the images
        Assert.Equal(15 * 14 / 2, PixelCorrelation.ByDistance(rarelyInked, inkShare: 0.2).Pairs.Sum());
        Assert.Equal(16 * 15 / 2, PixelCorrelation.ByDistance(rarelyInked, inkShare: 0.05).Pairs.Sum());

        // Between two tensors: 1 for a scaled and shifted copy, -1 for a negated one, about 0 for fresh noise.
        Assert.Equal(1.0, PixelCorrelation.Between(noise, noise * 3 + 1), 9);
        Assert.Equal(-1.0, PixelCorrelation.Between(noise, -noise), 9);
        Assert.InRange(PixelCorrelation.Between(noise, rand([20000, 1, 4, 4], generator: generator)), -0.02, 0.02);
        Assert.Contains("must match", Assert.Throws<ArgumentException>(
            () => PixelCorrelation.Between(noise, noise[..10])).Message);
    }
}

