// Charts as PNG and SVG files for slides, rendered by a local Chromium in headless mode:
// the chart's own plotly.js (embedded, no network) draws it and hands back the image.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Plotly.NET;

namespace Workbook.Display;

public static partial class ChartExport
{
    /// <summary>The browser used for chart export: WORKBOOK_CHROMIUM if set, else the first one found on PATH.</summary>
    public static string? FindBrowser()
    {
        string? given = Environment.GetEnvironmentVariable("WORKBOOK_CHROMIUM");
        if (!string.IsNullOrEmpty(given)) return File.Exists(given) ? given : null;
        string[] names = OperatingSystem.IsWindows() ? ["chrome.exe", "msedge.exe"] : ["chromium", "chromium-browser", "google-chrome", "microsoft-edge"];
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).ToList();
        if (OperatingSystem.IsMacOS()) folders.Add("/Applications/Google Chrome.app/Contents/MacOS");
        foreach (string folder in folders)
            foreach (string name in names.Append("Google Chrome"))
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>A stand-alone HTML page of the chart with plotly.js inside: opens from disk with no network.</summary>
    public static string StandaloneHtml(GenericChart chart, string title) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>" +
        $"<script>{ChartHtml.PlotlyJs.Value}</script></head><body>{ChartHtml.Fragment(chart)}</body></html>";

    /// <summary>
    /// Renders the chart to an image: "png" (at <paramref name="scale"/> times its size) or "svg".
    /// Throws InvalidOperationException with advice when no browser is found or rendering fails.
    /// </summary>
    public static byte[] Render(GenericChart chart, string format, int scale = 2, TimeSpan? timeout = null)
    {
        if (format is not ("png" or "svg")) throw new ArgumentException($"format '{format}' is not supported: use png or svg.");
        string browser = FindBrowser() ?? throw new InvalidOperationException(
            "No Chromium or Chrome found for chart export. Install one (Debian: apt-get install chromium) or set WORKBOOK_CHROMIUM to its path.");

        string folder = Directory.CreateTempSubdirectory("chart-export").FullName;
        try
        {
            // The page draws the chart, converts it with Plotly.toImage and writes the data URL into the page,
            // which Chromium then prints with --dump-dom.
            string page = Path.Combine(folder, "chart.html");
            string id = "chart";
            File.WriteAllText(page,
                $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script>{ChartHtml.PlotlyJs.Value}</script></head><body>" +
                $"<div id=\"{id}\"></div><pre id=\"result\"></pre><script>var c={GenericChart.toJson(chart)};{ChartHtml.ProjectorFont}" +
                $"Plotly.newPlot('{id}',c.data,c.layout,c.config).then(function(gd){{return Plotly.toImage(gd,{{format:'{format}',scale:{scale}}});}})" +
                ".then(function(url){document.getElementById('result').textContent='RESULT:'+url+':END';});</script></body></html>");
            var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                           "--disable-sync", "--no-first-run", "--user-data-dir=" + Path.Combine(folder, "profile"),
                                           "--virtual-time-budget=10000", "--dump-dom", new Uri(page).AbsoluteUri })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{browser} did not finish rendering the chart within the time limit.");
            }
            var match = ResultUrl().Match(output.Result);
            if (!match.Success) throw new InvalidOperationException($"{browser} ran but returned no image (exit code {process.ExitCode}).");
            string url = System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
            string payload = url[(url.IndexOf(',') + 1)..];
            return url.Contains(";base64,") ? Convert.FromBase64String(payload) : System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a browser helper may still hold the profile */ }
        }
    }

    [GeneratedRegex("RESULT:(data:[^<]*?):END", RegexOptions.Singleline)]
    private static partial Regex ResultUrl();
}
