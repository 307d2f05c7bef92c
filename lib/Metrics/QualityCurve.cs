// Sample quality against cost: one point per generation setting, so that patch sizes, random
// orders (chapter 5) and diffusion step counts (later chapters) can be drawn on one chart.
namespace Workbook.Metrics;

/// <summary>
/// A method's quality curve: for each setting, the network evaluations one sample took and the metric measured
/// (by default the Fréchet distance from <see cref="SampleScorer"/>: lower is better), and optionally each
/// point's own noise (<see cref="SampleScorer.ScoreWithError"/>), drawn as error bars.
/// </summary>
public sealed record QualityCurve(string Method, int[] Evaluations, double[] Metric, double[]? Error = null)
{
    /// <summary>
    /// Measures a curve: for each evaluation budget, <paramref name="generate"/> makes samples (N, 1, H, W) in [0, 1]
    /// with that many network evaluations, and the scorer's Fréchet distance is recorded.
    /// </summary>
    public static QualityCurve Measure(string method, IEnumerable<int> evaluations, Func<int, TorchSharp.torch.Tensor> generate, SampleScorer scorer) =>
        Measured(method, evaluations, generate, scorer.Score) with { Error = null };

    /// <summary>Like <see cref="Measure"/>, with each point's bootstrap standard deviation as its error.</summary>
    public static QualityCurve MeasureWithError(string method, IEnumerable<int> evaluations,
        Func<int, TorchSharp.torch.Tensor> generate, SampleScorer scorer) =>
        Measured(method, evaluations, generate, samples => scorer.ScoreWithError(samples));

    static QualityCurve Measured(string method, IEnumerable<int> evaluations, Func<int, TorchSharp.torch.Tensor> generate,
        Func<TorchSharp.torch.Tensor, SampleQuality> score)
    {
        var budgets = evaluations.ToArray();
        var scores = budgets.Select(e =>
        {
            using var samples = generate(e);
            return score(samples);
        }).ToArray();
        return new QualityCurve(method, budgets, scores.Select(q => q.FrechetDistance).ToArray(),
            scores.Select(q => q.FrechetError).ToArray());
    }

    /// <summary>The same curve with one more point, kept sorted by evaluations (error NaN when not given).</summary>
    public QualityCurve With(int evaluations, double metric, double error = double.NaN)
    {
        var errors = Error ?? Metric.Select(_ => double.NaN).ToArray();
        var points = Evaluations.Zip(Metric, errors).Append((evaluations, metric, error)).OrderBy(p => p.Item1).ToArray();
        return this with
        {
            Evaluations = points.Select(p => p.Item1).ToArray(), Metric = points.Select(p => p.Item2).ToArray(),
            Error = Error is null && double.IsNaN(error) ? null : points.Select(p => p.Item3).ToArray(),
        };
    }

    public override string ToString() =>
        $"{Method}: " + string.Join(", ", Evaluations.Select((e, i) => $"{e} evals → {Metric[i]:F2}" +
            (Error is null || double.IsNaN(Error[i]) ? "" : $" ± {Error[i]:F2}")));
}
