// A Plotly.NET chart as HTML that draws with no network: the fragment a notebook output, the HTML
// book and the exported pages share, and plotly.js itself as Plotly.NET ships it. Chapter 1.
using Plotly.NET;

namespace Workbook.Display;

public static class ChartHtml
{
    /// <summary>
    /// A chart as an HTML fragment that waits for plotly.js (put on the page once, see <see cref="Script"/>) and draws.
    /// Until it draws, the fragment says why a chart may be missing: a page that strips scripts (Jupyter's classic
    /// Notebook does for a notebook it does not trust) shows that line instead of a blank space.
    /// </summary>
    public static string Fragment(GenericChart chart)
    {
        string id = "plotly-" + Guid.NewGuid().ToString("N");
        return $"<div id=\"{id}\"><p style=\"font:14px sans-serif;color:#666\">{NoScripts}</p></div>" +
               $"<script type=\"text/javascript\">(function(){{var c={GenericChart.toJson(chart)};{ProjectorFont}" +
               $"function draw(){{if(window.Plotly){{document.getElementById('{id}').textContent='';Plotly.newPlot('{id}',c.data,c.layout,c.config);}}" +
               "else setTimeout(draw,50);}draw();})();</script>";
    }

    /// <summary>What a chart's place says while its script has not run.</summary>
    public const string NoScripts = "A chart goes here; its script has not run. In Jupyter's classic Notebook, trust the notebook " +
                                    "(File &gt; Trust Notebook) or run its cells to draw it.";

    /// <summary>JavaScript that sets a chart's base font large enough to read on a projector (c: the chart's JSON).</summary>
    public const string ProjectorFont = "c.layout.font=Object.assign({size:15},c.layout.font||{});";

    /// <summary>plotly.js as shipped inside Plotly.NET, wrapped so it sets window.Plotly even where require.js is present.</summary>
    public static string Script() =>
        "<script type=\"text/javascript\">if(!window.Plotly){(function(define,exports,module){\n" + PlotlyJs.Value + "\n})();}</script>";

    public static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js"));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    });
}
