// Turns the executed notebooks into one static site that opens from disk with no network:
// a page per chapter (prose, code, outputs), a contents page, and plotly.js stored once. Every
// executed notebook in out/notebooks is in it, each marked with the mode it ran in and when.
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;

namespace Workbook.Runner;

public static class HtmlBook
{
    /// <summary>The notebook setup cell's output that carries plotly.js begins with this.</summary>
    const string PlotlyMarker = "<script type=\"text/javascript\">if(!window.Plotly){";

    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body{font:17px/1.55 system-ui,sans-serif;max-width:980px;margin:0 auto;padding:1em 2em;color:#222}
        nav{font-size:15px;margin-bottom:1.5em} nav a{margin-right:1em}
        pre.code{background:#f4f4f6;padding:.7em 1em;border-radius:6px;overflow-x:auto;font-size:14px}
        .output{margin:.4em 0 1.4em 0} pre.error{background:#fff0f0;color:#a00;padding:.7em 1em}
        pre.text{padding:0 1em;font-size:14px} .run{color:#666;font-size:15px} p.mixed{background:#fff8e0;padding:.5em 1em}
        """;

    /// <summary>
    /// Writes out/book/ from every executed notebook in <paramref name="notebooksFolder"/> (out/notebooks), whichever run
    /// made it, and returns the path of index.html. The contents and each page say the mode the chapter ran in and when.
    /// </summary>
    public static string Write(string notebooksFolder, string folder)
    {
        Directory.CreateDirectory(folder);
        var executed = NotebookRun.NotebooksIn(notebooksFolder);
        var pages = executed.Select(path => (Path.GetFileNameWithoutExtension(path), JsonNode.Parse(File.ReadAllText(path))!)).ToList();
        var titles = pages.ToDictionary(p => p.Item1, p => Title(p.Item2, p.Item1));
        var runs = executed.ToDictionary(path => Path.GetFileNameWithoutExtension(path), path => RunLine(NotebookRun.ReadRecord(path)));
        foreach (var (name, document) in pages)
            File.WriteAllText(Path.Combine(folder, name + ".html"),
                Page(titles[name], Navigation(titles, name), $"<p class=\"run\">This chapter: {runs[name]}.</p>" + Body(document, folder)));
        var contents = new StringBuilder("<h1>Generative models, one predictor at a time</h1>");
        var modes = executed.Select(path => NotebookRun.ReadRecord(path)?.Mode).Distinct().ToList();
        if (modes.Contains("quick") && modes.Contains("full"))
            contents.Append("<p class=\"mixed\">This book mixes quick-mode and full-mode chapters: quick mode trains for seconds, so its " +
                            "figures are rough. Run every chapter in one mode to compare them.</p>");
        contents.Append("<ol>");
        foreach (var (name, title) in titles)
            contents.Append($"<li><a href=\"{name}.html\">{WebUtility.HtmlEncode(title)}</a> <span class=\"run\">({runs[name]})</span></li>");
        contents.Append("</ol>");
        string index = Path.Combine(folder, "index.html");
        File.WriteAllText(index, Page("Contents", Navigation(titles, null), contents.ToString()));
        return index;
    }

    /// <summary>"quick mode, 2025-03-02 14:05 UTC, 12 s" (with "some cells failed" when they did), or "mode not recorded".</summary>
    static string RunLine(NotebookRunRecord? run) => run is null ? "mode not recorded"
        : $"{run.Mode} mode, {run.Finished.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, {run.Seconds:F0} s" + (run.Passed ? "" : ", some cells failed");

    static string Title(JsonNode document, string fallback)
    {
        foreach (var cell in document["cells"]!.AsArray())
        {
            string text = NotebookRun.Text(cell!["source"]);
            if ((string?)cell["cell_type"] == "markdown" && text.TrimStart().StartsWith("# "))
                return text.TrimStart()[2..].Split('\n')[0].Trim();
        }
        return fallback;
    }

    static string Navigation(Dictionary<string, string> titles, string? current) =>
        "<nav><a href=\"index.html\">Contents</a>" +
        string.Concat(titles.Keys.Select(name => name == current ? $"<b>{name[..2]}</b> " : $"<a href=\"{name}.html\">{name[..2]}</a>")) + "</nav>";

    static string Page(string title, string navigation, string body) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title><style>{Style}</style>" +
        "<script src=\"plotly.min.js\"></script></head><body>" + navigation + body + navigation + "</body></html>";

    static string Body(JsonNode document, string folder)
    {
        var html = new StringBuilder();
        foreach (var cell in document["cells"]!.AsArray())
        {
            string source = NotebookRun.Text(cell!["source"]);
            if ((string?)cell["cell_type"] == "markdown")
            {
                html.Append(Markdig.Markdown.ToHtml(source, Markdown));
                continue;
            }
            html.Append($"<pre class=\"code\">{WebUtility.HtmlEncode(source)}</pre>");
            foreach (var output in cell["outputs"]?.AsArray() ?? [])
                html.Append("<div class=\"output\">").Append(Output(output!, folder)).Append("</div>");
        }
        return html.ToString();
    }

    static string Output(JsonNode output, string folder)
    {
        if ((string?)output["output_type"] == "error")
            return $"<pre class=\"error\">{WebUtility.HtmlEncode((string?)output["evalue"] ?? "error")}</pre>";
        if ((string?)output["output_type"] == "stream")
            return $"<pre class=\"text\">{WebUtility.HtmlEncode(NotebookRun.Text(output["text"]))}</pre>";
        var data = output["data"];
        if (data is null) return "";
        if (data["text/html"] is { } htmlNode)
        {
            string html = NotebookRun.Text(htmlNode);
            if (!html.StartsWith(PlotlyMarker)) return html;
            // plotly.js goes into its own file, loaded once by every page's <head>.
            string script = html[(html.IndexOf('\n') + 1)..html.LastIndexOf("\n})();}</script>", StringComparison.Ordinal)];
            File.WriteAllText(Path.Combine(folder, "plotly.min.js"), "(function(define,exports,module){\n" + script + "\n})();");
            return "";
        }
        if (data["image/png"] is { } png)
            return $"<img src=\"data:image/png;base64,{NotebookRun.Text(png).Trim()}\" style=\"image-rendering:pixelated\"/>";
        if (data["text/plain"] is { } text)
            return $"<pre class=\"text\">{WebUtility.HtmlEncode(NotebookRun.Text(text))}</pre>";
        return "";
    }
}
