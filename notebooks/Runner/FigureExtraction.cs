// Saves every picture an executed notebook shows as a file, named after the cell that made it:
// image/png outputs and the PNGs embedded in HTML outputs (tensors, a slider's first frame) as .png,
// animations as .gif, a gallery as one .png with its title and captions, and a chart as .png and .svg.
// Galleries and charts are rendered by a local Chromium, all of a notebook's in one browser start;
// without one, a gallery is saved as its pictures side by side and the charts are left out (said once).
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Display;

namespace Workbook.Runner;

public static partial class FigureExtraction
{
    [GeneratedRegex("<img[^>]*src=\"data:image/(png|gif);base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedImage();

    [GeneratedRegex("<figure[^>]*><img src=\"(data:image/png;base64,[A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\"[^>]*alt=\"([^\"]*)\"")]
    private static partial Regex GalleryItem();

    [GeneratedRegex("<div class=\"wb-gallery\"(?: data-title=\"([^\"]*)\")?(?: data-columns=\"(\\d+)\")?>")]
    private static partial Regex GalleryStart();

    [GeneratedRegex(@"var c=(\{.*?\});c\.layout\.font=", RegexOptions.Singleline)]
    private static partial Regex ChartSpec();

    [GeneratedRegex(@"^\s*//\s*Figure:\s*([A-Za-z0-9 _-]+)", RegexOptions.Multiline)]
    private static partial Regex FigureTag();

    static int browserNoteShown;

    /// <summary>Writes the figures to <paramref name="folder"/> (emptied first) and returns their paths.</summary>
    public static IReadOnlyList<string> Save(JsonNode document, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var files = new List<(string Path, byte[]? Bytes, RenderJob? Job, Gallery? Fallback)>();
        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var figures = new List<(string Extension, byte[]? Bytes, RenderJob? Job, Gallery? Fallback)>();
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                var data = output!["data"];
                if (data is null) continue;
                if (data["image/png"] is { } png) figures.Add((".png", Convert.FromBase64String(NotebookRun.Text(png).Trim()), null, null));
                if (data["text/html"] is not { } htmlNode) continue;
                string html = NotebookRun.Text(htmlNode);
                if (ParseGallery(html) is { } gallery)
                    figures.Add((".png", null, RenderJob.Picture(gallery), gallery));
                else if (ChartSpec().Match(html) is { Success: true } chart)
                {
                    figures.Add((".png", null, new RenderJob("chart", chart.Groups[1].Value, "png"), null));
                    figures.Add((".svg", null, new RenderJob("chart", chart.Groups[1].Value, "svg"), null));
                }
                else
                    foreach (Match m in EmbeddedImage().Matches(html))
                        figures.Add(("." + m.Groups[1].Value, Convert.FromBase64String(m.Groups[2].Value), null, null));
            }
            if (figures.Count == 0) continue;
            var tag = FigureTag().Match(NotebookRun.Text(cells[i]!["source"]));
            string stem = tag.Success ? tag.Groups[1].Value.Trim().Replace(' ', '-').ToLowerInvariant() : $"cell{i + 1:D2}";
            // A chart's PNG and SVG share one name; every other picture of the cell gets its own number.
            int pictures = figures.Count(f => f.Extension != ".svg"), number = 0;
            foreach (var f in figures)
            {
                if (f.Extension != ".svg") number++;
                files.Add((Path.Combine(folder, (pictures == 1 ? stem : $"{stem}-{number}") + f.Extension), f.Bytes, f.Job, f.Fallback));
            }
        }
        Render(files);
        Directory.CreateDirectory(folder);
        var saved = new List<string>();
        foreach (var (path, bytes, _, _) in files)
            if (bytes is not null)
            {
                File.WriteAllBytes(path, bytes);
                saved.Add(path);
            }
        return saved;
    }

    // Fills in the bytes of every figure that needs the browser; without one, galleries side by side, no charts.
    static void Render(List<(string Path, byte[]? Bytes, RenderJob? Job, Gallery? Fallback)> files)
    {
        var pending = files.Select((f, i) => (f, i)).Where(x => x.f.Job is not null).ToList();
        if (pending.Count == 0) return;
        try
        {
            var rendered = ChartExport.RenderAll(pending.Select(p => p.f.Job!).ToList());
            for (int k = 0; k < pending.Count; k++) files[pending[k].i] = files[pending[k].i] with { Bytes = rendered[k] };
        }
        catch (InvalidOperationException e)
        {
            if (Interlocked.Exchange(ref browserNoteShown, 1) == 0)
                Console.WriteLine($"figures: charts not saved as PNG/SVG, galleries saved without captions. {e.Message}");
            foreach (var (f, i) in pending)
                if (f.Fallback is { } gallery) files[i] = f with { Bytes = Export.SideBySide(gallery) };
        }
    }

    /// <summary>A gallery's title, columns, captions and pictures, read back from its HTML (null if it is not one).</summary>
    public static Gallery? ParseGallery(string html)
    {
        var start = GalleryStart().Match(html);
        if (!start.Success) return null;
        var items = GalleryItem().Matches(html[start.Index..]).Select(m =>
            (WebUtility.HtmlDecode(m.Groups[4].Value), new PngImage(
                Convert.FromBase64String(m.Groups[1].Value["data:image/png;base64,".Length..]),
                int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)))).ToList();
        if (items.Count == 0) return null;
        string? title = start.Groups[1].Success ? WebUtility.HtmlDecode(start.Groups[1].Value) : null;
        int? columns = start.Groups[2].Success ? int.Parse(start.Groups[2].Value) : null;
        return new Gallery(items, title, columns);
    }
}
