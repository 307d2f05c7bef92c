// The chart of sample quality against network evaluations (chapter 5 on): one line per method,
// evaluations on a log scale, so patch sizes, random orders and diffusion compare at equal cost.
using Plotly.NET;
using Plotly.NET.CSharp;
using Workbook.Metrics;

namespace Workbook.Display;

public static class QualityCharts
{
    /// <summary>
    /// Quality curves on one chart: x = network evaluations per sample (log scale), y = the metric.
    /// A dashed line can mark a reference level, e.g. the distance of real held-out images.
    /// </summary>
    public static GenericChart Against(string title, string metricTitle, IEnumerable<QualityCurve> curves, double? reference = null, string referenceName = "real images")
    {
        var list = curves.ToList();
        if (list.Count == 0) throw new ArgumentException("give at least one quality curve.");
        var series = list.Select(c => new Series(c.Method, c.Evaluations.Select(e => (double)e).ToArray(), c.Metric)).ToList();
        if (reference is double r)
        {
            double low = list.SelectMany(c => c.Evaluations).Min(), high = list.SelectMany(c => c.Evaluations).Max();
            series.Add(new Series(referenceName, [low, high], [r, r], Dash: "dash"));
        }
        return Charts.Lines(title, "network evaluations per sample (log scale)", metricTitle, series.ToArray())
            .WithXAxisStyle<double, double, string>(TitleText: "network evaluations per sample (log scale)", AxisType: StyleParam.AxisType.Log);
    }
}
