// What a notebook cell shows, written as files by a chapter run as a plain C# program (out/scripts/<chapter>/):
// images as .png, animations as .gif, charts, galleries, tables and tensors as .html pages that open from
// disk without network (plotly.min.js beside them), text on the console; and index.html, every display of the run in order.
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Plotly.NET;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Display;

public static partial class ScriptDisplay
{
    static readonly List<string> shown = [];
    static readonly Dictionary<string, int> namesUsed = [];

    /// <summary>
    /// Where the files go: WORKBOOK_SCRIPT_OUT if set, else the folder of the running .cs file (a file-based
    /// app), else the working directory.
    /// </summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("WORKBOOK_SCRIPT_OUT") is { Length: > 0 } given ? given
        : AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Directory.GetCurrentDirectory();

    /// <summary>
    /// Shows <paramref name="value"/>, the value a notebook cell ends with, under <paramref name="name"/>
    /// (the cell's id and figure name): writes its file and adds it to index.html. Returns the file written, or null for text.
    /// </summary>
    public static string? Show(object? value, string name)
    {
        if (value is null) return null;
        string stem = Unique(Slug(name));
        string? written = value switch
        {
            PngImage image => image.Save(PathFor(stem, ".png")),
            GifAnimation animation => animation.Save(PathFor(stem, ".gif")),
            Gallery gallery => SaveGallery(gallery, stem),
            Slider slider => Page(stem, slider.ToHtml()),
            Table table => Page(stem, table.ToHtml()),
            GenericChart chart => Page(stem, ChartHtml.Fragment(chart), withPlotly: true),
            Tensor tensor => Page(stem, TensorView.ToHtml(tensor)),
            _ => null,
        };
        string fragment = value switch
        {
            PngImage image => $"<img src=\"{Path.GetFileName(written)}\" width=\"{image.Width}\" height=\"{image.Height}\" style=\"image-rendering:pixelated\"/>",
            GifAnimation animation => animation.ToHtml(),
            Gallery gallery => gallery.ToHtml(),
            Slider slider => slider.ToHtml(),
            Table table => table.ToHtml(),
            GenericChart chart => ChartHtml.Fragment(chart),
            Tensor tensor => TensorView.ToHtml(tensor),
            _ => $"<pre>{WebUtility.HtmlEncode(value.ToString())}</pre>",
        };
        if (written is null) Console.WriteLine(value);
        else Console.WriteLine($"[{name}] -> {Path.GetFileName(written)}");
        shown.Add($"<h3>{WebUtility.HtmlEncode(name)}</h3>{fragment}");
        Page("index", string.Concat(shown), withPlotly: shown.Any(s => s.Contains("id=\"plotly-")));
        return written;
    }

    // The gallery's page, and the gallery as one picture for slides (with its captions where a browser is found).
    static string SaveGallery(Gallery gallery, string stem)
    {
        var (picture, note) = Export.GalleryPicture(gallery);
        AtomicFile.Write(PathFor(stem, ".png"), picture);
        if (note is not null) Console.WriteLine($"[{stem}] {note}");
        return Page(stem, gallery.ToHtml());
    }

    /// <summary>A page that opens from disk; with charts, it loads plotly.min.js, written once beside it.</summary>
    static string Page(string stem, string body, bool withPlotly = false)
    {
        string plotly = PathFor("plotly.min", ".js");
        if (withPlotly && !File.Exists(plotly)) AtomicFile.Write(plotly, Encoding.UTF8.GetBytes(ChartHtml.PlotlyJs.Value));
        string head = withPlotly ? "<script src=\"plotly.min.js\"></script>" : "";
        string html = $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(stem)}</title>{head}</head>" +
                      $"<body style=\"font:16px sans-serif\">{body}</body></html>";
        return AtomicFile.Write(PathFor(stem, ".html"), Encoding.UTF8.GetBytes(html));
    }

    static string PathFor(string stem, string extension)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, stem + extension);
    }

    /// <summary>The same name shown twice (a cell that trains twice) gets -2, -3, ...</summary>
    static string Unique(string stem)
    {
        int n = namesUsed[stem] = namesUsed.GetValueOrDefault(stem) + 1;
        return n == 1 ? stem : $"{stem}-{n}";
    }

    /// <summary>"c06 curve fit" -> "c06-curve-fit": letters, digits and '-' only.</summary>
    static string Slug(string name) => NotSlug().Replace(name.ToLowerInvariant(), "-").Trim('-') is { Length: > 0 } s ? s : "display";

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
