// Small chart helpers over Plotly.NET, sized and labelled for a projector: lines (loss curves,
// fitted curves), bars, histograms. They return charts; notebooks display them. Chapter 1.
using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbook.Display;

/// <summary>One named line or set of points: x, y and whether to draw it as markers only.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false, string? Dash = null);

public static class Charts
{
    public const int Width = 760, Height = 420;

    /// <summary>Lines and/or point clouds on shared axes.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params Series[] series)
    {
        var traces = series.Select(s => s.Markers
            ? CSharpChart.Point<double, double, string>(s.X, s.Y, Name: s.Name)
            : CSharpChart.Line<double, double, string>(s.X, s.Y, Name: s.Name,
                LineDash: s.Dash is null ? default(Optional<StyleParam.DrawingStyle>) : StyleParam.DrawingStyle.Dash));
        return Style(CSharpChart.Combine(traces), title, xTitle, yTitle);
    }

    /// <summary>
    /// A training loss curve; an optional floor is drawn as a dashed line (the best any model could do). An empty curve
    /// (a checkpoint that recorded none) gives empty axes whose title says so.
    /// </summary>
    public static GenericChart Loss(IReadOnlyList<double> losses, string title = "Training loss", double? floor = null, string floorName = "lowest possible loss", bool logY = false)
    {
        if (losses.Count == 0) title += " (no losses recorded)";
        var steps = Enumerable.Range(1, losses.Count).Select(i => (double)i).ToArray();
        var series = new List<Series> { new("loss", steps, losses) };
        if (floor is double f) series.Add(new Series(floorName, [1, losses.Count], [f, f], Dash: "dash"));
        var chart = Lines(title, "training step", "loss", series.ToArray());
        return logY ? chart.WithYAxisStyle<double, double, string>(TitleText: "loss (log scale)", AxisType: StyleParam.AxisType.Log) : chart;
    }

    /// <summary>Vertical bars, one per category.</summary>
    public static GenericChart Bars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, IReadOnlyList<double> values)
        => Style(CSharpChart.Column<double, string, string>(values, Keys: categories.ToArray()), title, xTitle, yTitle);

    /// <summary>Several bar series side by side (grouped), sharing the same categories.</summary>
    public static GenericChart GroupedBars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, params (string Name, IReadOnlyList<double> Values)[] groups)
        => Style(CSharpChart.Combine(groups.Select(g => CSharpChart.Column<double, string, string>(g.Values, Keys: categories.ToArray(), Name: g.Name))), title, xTitle, yTitle);

    /// <summary>
    /// Histograms of several samples drawn as density lines over the same bins, so two or more
    /// distributions can be compared on one chart (a standard normal can be added as a reference).
    /// </summary>
    public static GenericChart Densities(string title, string xTitle, double low, double high, int bins, params (string Name, IReadOnlyList<double> Values)[] samples)
    {
        double width = (high - low) / bins;
        var centres = Enumerable.Range(0, bins).Select(b => low + (b + 0.5) * width).ToArray();
        var series = samples.Select(s =>
        {
            var counts = new double[bins];
            foreach (double v in s.Values)
            {
                int b = (int)Math.Floor((v - low) / width);
                if (b >= 0 && b < bins) counts[b]++;
            }
            return new Series(s.Name, centres, counts.Select(c => c / (s.Values.Count * width)).ToArray());
        });
        return Lines(title, xTitle, "density", series.ToArray());
    }

    static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle)
    {
        chart = chart.WithXAxisStyle<double, double, string>(TitleText: xTitle)
                     .WithYAxisStyle<double, double, string>(TitleText: yTitle)
                     .WithSize(Width, Height);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }
}
