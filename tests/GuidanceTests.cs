// The conditional U-Net, condition dropping, guided sampling and the diversity measure, checked
// against independent references: hand-computed values, identities of the guidance formula.
using Workbook.Conditioning;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Runtime;
using Workbook.Models;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class GuidanceTests
{
    static UNet SmallNet(long[] conditionShape)
    {
        Seeds.Global(1);
        var net = new UNet(channels: 8, timeDim: 8, conditionShape: conditionShape);
        // The null condition starts at zero; give it distinct values so "null" and "zeros" cannot be confused.
        using (no_grad()) net.named_parameters().Single(p => p.name == "null_condition").parameter.copy_(linspace(-1, 1, conditionShape.Aggregate(1L, (a, b) => a * b)).view(conditionShape));
        return net;
    }

    static TorchSharp.Modules.Parameter NullOf(UNet net) => net.named_parameters().Single(p => p.name == "null_condition").parameter;

    [Fact]
    public void Dropping_with_p_one_feeds_every_example_the_null_condition_and_p_zero_none()
    {
        var net = SmallNet([4]);
        var condition = randn(6, 4);
        Seeds.Global(3);
        var g = Seeds.Generator(3);
        var all = net.DropCondition(condition, 1.0, g);
        var none = net.DropCondition(condition, 0.0, g);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(all[i].eq(NullOf(net)).all().item<bool>(), $"row {i} should be the null condition at p = 1");
            Assert.True(none[i].eq(condition[i]).all().item<bool>(), $"row {i} should be unchanged at p = 0");
        }
    }

    [Fact]
    public void Dropping_with_p_between_replaces_whole_rows_about_p_of_the_time()
    {
        var net = SmallNet([3]);
        var condition = randn(4000, 3) + 5;   // far from the null values in [-1, 1]
        var used = net.DropCondition(condition, 0.2, Seeds.Generator(4));
        var isNull = used.sub(NullOf(net)).abs().sum(1).lt(1e-6);
        var isKept = used.sub(condition).abs().sum(1).lt(1e-6);
        Assert.True(isNull.logical_or(isKept).all().item<bool>(), "every row is either the null condition or its own condition");
        double share = isNull.to(float32).mean().item<float>();
        Assert.InRange(share, 0.17, 0.23);   // 0.2 ± 5 standard errors (sd = sqrt(0.2*0.8/4000) = 0.0063)
    }

    [Fact]
    public void Gradients_reach_the_null_condition_only_when_it_is_used()
    {
        var net = SmallNet([4]);
        Seeds.Global(3);
        var g = Seeds.Generator(3);
        var x = randn([5, 1, 8, 8], generator: g);
        var t = tensor(new long[] { 0, 10, 20, 30, 40 });
        foreach (var (p, expectGradient) in new[] { (1.0, true), (0.0, false) })
        {
            net.zero_grad();
            net.forward(x, t, net.DropCondition(randn([5, 4], generator: g), p, Seeds.Generator(5))).pow(2).mean().backward();
            var grad = NullOf(net).grad;
            bool reached = grad is not null && grad.ne(0).any().item<bool>();   // any non-zero entry (NaN counts as reached too)
            Assert.Equal(expectGradient, reached);
        }
    }

    [Fact]
    public void Guided_prediction_of_the_real_network_is_unconditional_at_w0_conditional_at_w1_and_extrapolates_beyond()
    {
        var net = SmallNet([4]);
        using var noGrad = no_grad();
        var x = randn(3, 1, 8, 8);
        var t = tensor(new long[] { 5, 50, 500 });
        var c = randn(3, 4) * 3;
        var conditional = net.forward(x, t, c);
        var unconditional = net.forward(x, t, net.NullCondition(3));
        Assert.False(conditional.allclose(unconditional, 1e-3, 1e-3), "the condition must change the prediction, else the test below proves nothing");
        Assert.True(Guidance.Predict(net.forward, x, t, c, net.NullCondition(3), 0).allclose(unconditional, 1e-4, 1e-5));
        Assert.True(Guidance.Predict(net.forward, x, t, c, net.NullCondition(3), 1).allclose(conditional, 1e-4, 1e-5));
        Assert.True(Guidance.Predict(net.forward, x, t, c, net.NullCondition(3), 3).allclose(3 * conditional - 2 * unconditional, 1e-4, 1e-4));
    }

    [Fact]
    public void Explained_step_matches_the_clean_image_of_the_guided_output()
    {
        var net = SmallNet([4]);
        var schedule = NoiseSchedule.Linear(100);
        var sampler = new DdimSampler(schedule, PredictionTarget.Noise, 10, clipX0: false);
        var xt = randn(2, 1, 8, 8);
        var c = randn(2, 4);
        var parts = GuidedSampling.Explain(sampler, net, xt, 59, c, w: 4);
        using var noGrad = no_grad();
        var guidedOutput = GuidedSampling.Denoiser(net, c, 4)(xt, full([2], 59L));
        var expected = (xt - Math.Sqrt(1 - schedule.AlphaBar(59)) * guidedOutput) / Math.Sqrt(schedule.AlphaBar(59));   // eq. 4 solved for x0, by hand
        Assert.True(parts.Guided.allclose(expected, 1e-4, 1e-4));
        Assert.True(parts.Difference.allclose(parts.Conditional - parts.Unconditional));
    }

    [Fact]
    public void A_sketch_condition_is_stacked_onto_the_image_and_wrong_shapes_are_refused()
    {
        var net = SmallNet([1, 4, 4]);
        Assert.True(net.IsSpatial);
        var x = randn(2, 1, 8, 8);
        var t = tensor(new long[] { 1, 2 });
        var sketch = randn(2, 1, 4, 4);
        Assert.Equal([2L, 1, 8, 8], net.forward(x, t, sketch).shape);
        Assert.Equal([2L, 1, 4, 4], net.DropCondition(sketch, 0.5, Seeds.Generator(0)).shape);
        Assert.Throws<ArgumentException>(() => net.forward(x, t, randn(2, 16)));
        Assert.Throws<HyperparameterException>(() => new UNet(8, 8, conditionShape: [1, 4]));
    }

    [Fact]
    public void Config_refuses_a_drop_probability_outside_0_to_1_and_a_guidance_scale_out_of_range()
    {
        new ConditionalDiffusionConfig().Validate();
        foreach (double p in new[] { -0.1, 1.5, double.NaN })
            Assert.Contains("DropProbability", Assert.Throws<HyperparameterException>(() => new ConditionalDiffusionConfig(DropProbability: p).Validate()).Message);
        new GuidanceConfig().Validate();
        foreach (double w in new[] { -1, 25, double.NaN })
            Assert.Contains("guidance scale", Assert.Throws<HyperparameterException>(() => new GuidanceConfig(Scale: w).Validate()).Message);
        Assert.Throws<HyperparameterException>(() => new GuidanceConfig(SamplingSteps: 0).Validate());
        var x = randn(1, 1, 8, 8);
        Assert.Throws<HyperparameterException>(() => GuidedSampling.Generate(new DdimSampler(NoiseSchedule.Linear(100), PredictionTarget.Noise, 5), SmallNet([4]), randn(1, 4), 21, 8, Seeds.Generator(0)));
    }

    [Fact]
    public void Unknown_prompt_words_stop_the_text_model_with_the_vocabulary()
    {
        Seeds.Global(0);
        var model = new TextConditionalModel(new ConditionalDiffusionConfig(Channels: 8, ConditionDim: 4));
        Assert.Equal([2L, 4], model.Encode(["a handwritten seven", "the digit 3"]).shape);
        var e = Assert.Throws<HyperparameterException>(() => model.Encode(["a purple seven"]));
        Assert.Contains("'purple'", e.Message);
        Assert.Contains("handwritten", e.Message);
    }

    [Fact]
    public void Prompt_table_picks_only_prompts_of_each_label_and_all_of_them()
    {
        var table = new PromptTable("mnist");
        var labels = tensor(Enumerable.Repeat(7L, 400).ToArray());
        var ids = table.Sample(labels, Seeds.Generator(2));
        var sevens = Prompts.For("mnist", 7).Select(p => table.Tokenizer.Encode(p)).ToList();
        var seen = new HashSet<int>();
        for (int i = 0; i < 400; i++)
        {
            var row = ids[i].data<long>().Where(v => v != Tokenizer.Padding).Select(v => (int)v).ToArray();
            int match = sevens.FindIndex(s => s.SequenceEqual(row));
            Assert.True(match >= 0, $"sample {i} is not a prompt for 7");
            seen.Add(match);
        }
        Assert.Equal(sevens.Count, seen.Count);
    }

    [Fact]
    public void Diversity_is_the_mean_pairwise_distance_per_pixel()
    {
        var images = tensor(new float[] { 0, 0, 3, 4, 0, 0 }, [3, 2]);   // distances 5, 0, 5 between the three pairs
        Assert.Equal(10.0 / 3 / Math.Sqrt(2), Diversity.MeanPairwiseDistance(images), 6);
        Assert.Equal(0.0, Diversity.MeanPairwiseDistance(ones(4, 1, 3, 3)), 6);
        Assert.Throws<ArgumentException>(() => Diversity.MeanPairwiseDistance(ones(1, 4)));
    }

    [Fact]
    public void Coarse_sketch_averages_blocks()
    {
        var image = arange(16, dtype: float32).view(1, 1, 4, 4);
        var sketch = Sketches.Coarse(image, 2);
        Assert.True(sketch.allclose(tensor(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, [1, 1, 2, 2])));   // e.g. (0+1+4+5)/4
    }

    static Tensor Picture(params string[] rows) =>   // '#' ink, '.' paper: (1, 1, rows, columns)
        tensor(rows.SelectMany(r => r.Select(ch => ch == '#' ? 1f : 0f)).ToArray(), [1, 1, rows.Length, rows[0].Length]);

    [Fact]
    public void Outline_thins_a_thick_bar_to_a_line_one_pixel_wide()
    {
        var bar = Picture(
            "..........",
            ".########.",
            ".########.",
            ".########.",
            "..........");
        var line = Sketches.Outline(bar);
        var inkPerColumn = line[0, 0].sum([0]);                        // (10)
        string columns = $"ink per column {string.Join(" ", inkPerColumn.ToDoubles())}";
        Assert.True(inkPerColumn.le(1).all().item<bool>(), columns);   // one pixel wide everywhere ...
        Assert.True(inkPerColumn[2..7].eq(1).all().item<bool>(), columns);   // ... and unbroken (thinning shortens the ends)
        Assert.Equal(0, line[0, 0, 1].sum().item<float>() + line[0, 0, 3].sum().item<float>());   // the middle row remains
        Assert.True(line.le(bar).all().item<bool>());                 // only ink is kept
    }

    [Fact]
    public void Outline_keeps_a_thin_line_and_a_ring_closed()
    {
        var thin = Picture(
            ".......",
            ".#####.",
            ".......");
        Assert.Equal(5, Sketches.Outline(thin).sum().item<float>());  // a line one pixel wide has nothing to peel
        var ring = Picture(
            ".......",
            ".#####.",
            ".#####.",
            ".##.##.",
            ".#####.",
            ".#####.",
            ".......");
        var thinned = Sketches.Outline(ring);
        Assert.Equal(0, thinned[0, 0, 3, 3].item<float>());
        // the hole stays enclosed: every row and column through it still has ink on both sides
        foreach (var (a, b) in new[] { (thinned[0, 0, 3, ..3], thinned[0, 0, 3, 4..]), (thinned[0, 0, ..3, 3], thinned[0, 0, 4.., 3]) })
            Assert.True(a.sum().item<float>() > 0 && b.sum().item<float>() > 0, "thinning opened the ring");
        Assert.True(thinned.sum().item<float>() < ring.sum().item<float>());
    }

    [Fact]
    public void Line_fit_scores_ink_on_the_line_and_far_from_it()
    {
        var outline = Picture(
            ".......",
            ".......",
            ".#####.",
            ".......",
            ".......");
        Assert.Equal((1.0, 0.0), Sketches.LineFit(outline, outline));
        var stray = outline.clone();
        stray[0, 0, 0, 0] = 1;                                         // two rows above the line: far from it
        var (on, off) = Sketches.LineFit(stray, outline);
        Assert.Equal(1.0, on, 6);
        Assert.Equal(1.0 / 14, off, 6);                                // 14 pixels are farther than one from the line
        Assert.Equal(0.0, Sketches.LineFit(zeros_like(outline), outline).OnLine, 6);
    }

    [Fact]
    public void Sketch_kinds_give_conditions_of_the_record_s_shape_in_minus_one_to_one()
    {
        var x0 = rand([3, 1, 8, 8]) * 2 - 1;
        foreach (var kind in Sketches.Kinds)
        {
            var config = new SketchModelConfig(ImageSize: 8, SketchSize: 4, Sketch: kind);
            var sketch = Sketches.Of(kind, x0, config.SketchSize);
            Assert.Equal([3, .. config.SketchShape()], sketch.shape);
            Assert.True(sketch.ge(-1).all().item<bool>() && sketch.le(1).all().item<bool>());
        }
        var error = Assert.Throws<HyperparameterException>(() => new SketchModelConfig(Sketch: "scribble").Validate());
        Assert.Contains("scribble", error.Message);
        Assert.Contains("outline", error.Message);
    }
}
