// Sample quality against cost: one point per generation setting, so that patch sizes, random
// orders (chapter 5) and diffusion step counts (later chapters) can be drawn on one chart.
namespace Workbook.Metrics;

/// <summary>
/// A method's quality curve: for each setting, the network evaluations one sample took and the metric measured
/// (by default the Fréchet distance from <see cref="SampleScorer"/>: lower is better).
/// </summary>
public sealed record QualityCurve(string Method, int[] Evaluations, double[] Metric)
{
    /// <summary>
    /// Measures a curve: for each evaluation budget, <paramref name="generate"/> makes samples (N, 1, H, W) in [0, 1]
    /// with that many network evaluations, and the scorer's Fréchet distance is recorded.
    /// </summary>
    public static QualityCurve Measure(string method, IEnumerable<int> evaluations, Func<int, TorchSharp.torch.Tensor> generate, SampleScorer scorer)
    {
        var budgets = evaluations.ToArray();
        var metric = budgets.Select(e =>
        {
            using var samples = generate(e);
            return scorer.Score(samples).FrechetDistance;
        }).ToArray();
        return new QualityCurve(method, budgets, metric);
    }

    /// <summary>The same curve with one more point, kept sorted by evaluations.</summary>
    public QualityCurve With(int evaluations, double metric)
    {
        var points = Evaluations.Zip(Metric).Append((evaluations, metric)).OrderBy(p => p.Item1).ToArray();
        return this with { Evaluations = points.Select(p => p.Item1).ToArray(), Metric = points.Select(p => p.Item2).ToArray() };
    }

    public override string ToString() =>
        $"{Method}: " + string.Join(", ", Evaluations.Zip(Metric).Select(p => $"{p.First} evals → {p.Second:F2}"));
}
