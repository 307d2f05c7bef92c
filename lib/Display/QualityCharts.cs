// The chart of sample quality against network evaluations (chapter 5 on): one line per method,
// evaluations on a log scale, so patch sizes, random orders and diffusion compare at equal cost.
using Plotly.NET;
using Plotly.NET.CSharp;
using Workbook.Metrics;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Display;

public static class QualityCharts
{
    /// <summary>
    /// Quality curves on one chart: x = network evaluations per sample (log scale), y = the metric; each measured
    /// setting is a marker on its method's line. A dashed line can mark a reference level, e.g. the score of real
    /// held-out images. Curves measured with errors get error bars of one standard deviation. Another cost on the
    /// x axis (training steps, say) takes its own axis title; either axis can be linear or logarithmic (a log metric
    /// shows a gap of 5 against 7 next to values in the hundreds).
    /// </summary>
    public static GenericChart Against(string title, string metricTitle, IEnumerable<QualityCurve> curves, double? reference = null,
        string referenceName = "real images", string costTitle = "network evaluations per sample (log scale)",
        bool logCost = true, bool logMetric = false)
    {
        var list = curves.ToList();
        if (list.Count == 0) throw new ArgumentException("give at least one quality curve.");
        var traces = list.Select(c => WithErrorBars(CSharpChart.Line<double, double, string>(
            c.Evaluations.Select(e => (double)e).ToArray(), c.Metric, Name: c.Method, ShowMarkers: true), c.Error)).ToList();
        if (reference is double r)
        {
            double low = list.SelectMany(c => c.Evaluations).Min(), high = list.SelectMany(c => c.Evaluations).Max();
            traces.Add(CSharpChart.Line<double, double, string>(new[] { low, high }, new[] { r, r }, Name: referenceName, LineDash: StyleParam.DrawingStyle.Dash));
        }
        var chart = CSharpChart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: costTitle, AxisType: logCost ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithYAxisStyle<double, double, string>(TitleText: metricTitle, AxisType: logMetric ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear)
            .WithSize(Charts.Width, Charts.Height);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    // A bar of one standard deviation above and below each point that has an error (a NaN error draws none).
    static GenericChart WithErrorBars(GenericChart line, double[]? error) => error is null ? line :
        Plotly.NET.Chart.withYErrorStyle<double, double>(Visible: null, Type: null,
            Symmetric: new Microsoft.FSharp.Core.FSharpOption<bool>(true),
            Array: new Microsoft.FSharp.Core.FSharpOption<IEnumerable<double>>(error.Select(e => double.IsNaN(e) ? 0 : e).ToArray()),
            Arrayminus: null, Value: null, Valueminus: null, Traceref: null, Tracerefminus: null, Copy_ystyle: null,
            Color: null, Thickness: null, Width: null).Invoke(line);
}
