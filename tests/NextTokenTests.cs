// The causal transformer and next-token prediction: causality by gradients (a position's output
// depends on that position and the ones before it, never on later ones), a deterministic sequence
// learnt exactly, the digit adapter's logits against the model's own, Yule's auto-regressor on a
// series with known coefficients, and the text corpus's encoding and words.
using Workbook.Autoregression;
using Workbook.Data;
using Workbook.Models;
using Workbook.Runtime;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
[Collection("serial")]
public class NextTokenTests
{
    [Fact]
    public void A_position_sees_itself_and_the_positions_before_it_never_later_ones()
    {
        Seeds.Global(3);
        var model = new CausalTransformer(vocabulary: 7, context: 12, layers: 2, heads: 2, width: 16);
        var tokens = randint(0, 7, [2, 12], generator: new Generator(1), dtype: int64);
        for (int t = 0; t < 12; t++)
        {
            var x = model.Embed(tokens).detach().requires_grad_();                 // (B, T, C)
            model.Decode(x)[.., t].sum().backward();
            var reach = x.grad!.abs().sum([0, 2]);                                  // (T): how much each input position matters
            for (int s = 0; s < 12; s++)
            {
                double g = reach[s].item<float>();
                if (s > t) Assert.True(g == 0, $"output {t} depends on later input {s} (gradient {g})");
                else Assert.True(g > 0, $"output {t} does not see input {s}");
            }
        }
    }

    [Fact]
    public void A_repeating_text_is_learnt_and_continued_exactly_by_the_greedy_choice()
    {
        var corpus = new TextCorpus("test", string.Concat(Enumerable.Repeat("abcde ", 400)));
        var (train, _) = corpus.Split();
        var config = new CausalTransformerConfig(Context: 16, Layers: 1, Heads: 2, Width: 32, Steps: 150, BatchSize: 16, LearningRate: 1e-2);
        Seeds.Global(0);
        var model = config.Build(corpus.Characters.Count);
        var history = NextToken.TrainOnStream(model, config, train);
        Assert.True(history.FinalLoss() < 0.05, $"final loss {history.FinalLoss():F3}");
        var next = NextToken.Generate(model, corpus.Encode("cde a").data<long>().ToArray(), 12, temperature: 0, new Generator(1));
        Assert.Equal("bcde abcde a", corpus.Decode(next));
        Assert.True(NextToken.StreamLoss(model, train) < 0.05);
    }

    [Fact]
    public void Pixel_logits_are_the_models_outputs_after_a_start_token_in_reading_order()
    {
        Seeds.Global(1);
        var model = new CausalTransformer(vocabulary: 5, context: 9, layers: 1, heads: 1, width: 8);
        var greys = tensor(new float[] { 0, 1, 2, 3, 3, 2, 1, 0, 1 }, [1, 1, 3, 3]) / 3;
        var maps = NextToken.PixelLogits(model, greys, levels: 4);                  // (1, 4, 3, 3)
        Assert.Equal(new long[] { 1, 4, 3, 3 }, maps.shape);
        // By hand: input = start token 4, then the levels of pixels 0..7.
        var direct = model.call(tensor(new long[] { 4, 0, 1, 2, 3, 3, 2, 1, 0 }).unsqueeze(0))[0];   // (9, 5)
        Assert.True(maps[0, .., 1, 2].allclose(direct[5, ..4], 1e-5, 1e-6));         // pixel (1, 2) is position 5
        // Causal: changing pixel 5 changes no logits of pixels 0..5.
        var changed = greys.clone(); changed[0, 0, 1, 2] = 0;
        var after = NextToken.PixelLogits(model, changed, 4).flatten(2)[0];
        Assert.True(after[.., ..6].allclose(maps.flatten(2)[0, .., ..6], 1e-5, 1e-6));
        Assert.False(after[.., 6].allclose(maps.flatten(2)[0, .., 6], 1e-5, 1e-6));
    }

    [Fact]
    public void Yules_fit_recovers_the_coefficients_of_a_known_order_2_series()
    {
        // x[t] = 10 + 1.3 x[t-1] - 0.6 x[t-2] + noise: an oscillation with a period of about 10.9 steps.
        var random = new Random(4);
        var x = new List<double> { 20, 25 };
        for (int t = 2; t < 4000; t++) x.Add(10 + 1.3 * x[t - 1] - 0.6 * x[t - 2] + 2 * (random.NextDouble() - 0.5));
        var fit = AutoRegressor.Fit(x, order: 2);
        Assert.InRange(fit.Weights[0], 1.26, 1.34);                                 // the truth, within the estimate's noise
        Assert.InRange(fit.Weights[1], -0.64, -0.56);
        Assert.InRange(fit.Period(), 10.3, 11.6);                                   // true period 10.9
        // The least-squares solution itself, against the normal equations solved by hand (Cramer's rule, doubles).
        var m = new double[3, 3]; var v = new double[3];
        for (int t = 2; t < x.Count; t++)
        {
            double[] row = [x[t - 1], x[t - 2], 1];
            for (int i = 0; i < 3; i++) { v[i] += row[i] * x[t]; for (int j = 0; j < 3; j++) m[i, j] += row[i] * row[j]; }
        }
        double Det(double[,] a) => a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
                                   + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        double Solve(int k) { var a = (double[,])m.Clone(); for (int i = 0; i < 3; i++) a[i, k] = v[i]; return Det(a) / Det(m); }
        Assert.Equal(Solve(0), fit.Weights[0], 6);
        Assert.Equal(Solve(1), fit.Weights[1], 6);
        Assert.Equal(Solve(2), fit.Intercept, 4);
        // A forecast feeds its own predictions back: by hand for two steps.
        var f = fit.Forecast([20, 30], 2);
        double first = fit.Intercept + fit.Weights[0] * 30 + fit.Weights[1] * 20;
        Assert.Equal(first, f[0], 9);
        Assert.Equal(fit.Intercept + fit.Weights[0] * first + fit.Weights[1] * 30, f[1], 9);
        Assert.Contains("too short", Assert.Throws<ArgumentException>(() => AutoRegressor.Fit([1, 2, 3], 2)).Message);
    }

    [Fact]
    public void The_corpus_encodes_and_decodes_and_names_a_character_it_does_not_know()
    {
        var corpus = TextCorpus.Load();
        Assert.Equal("WAR, n.", corpus.Decode(corpus.Encode("WAR, n.").data<long>()));
        Assert.Contains("'é' (U+00E9) does not occur", Assert.Throws<ArgumentException>(() => corpus.Encode("café")).Message);
        Assert.Equal(0.5, corpus.ShareOfKnownWords("x war zzqx politics qqv y"), 6);   // the end words are not counted
        Assert.Contains("Allowed: devils-dictionary", Assert.Throws<HyperparameterException>(() => TextCorpus.Load("shakespeare")).Message);
        var (years, numbers) = Sunspots.Load();
        Assert.Equal((1700, 2008, 309), (years[0], years[^1], numbers.Length));
    }

    [Fact]
    public void A_record_whose_width_does_not_split_into_its_heads_is_refused_by_name()
    {
        var e = Assert.Throws<HyperparameterException>(() => new CausalTransformerConfig(Width: 30, Heads: 4).Validate());
        Assert.Contains("Width = 30 must be a multiple of Heads = 4", e.Message);
    }
}
