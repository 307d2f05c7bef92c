// Writing figures for slides: one call per figure, one folder, names that say chapter and figure,
// every file written atomically (temporary file, then rename) so an interrupted export never leaves
// half a file. Introduced in chapter 1; every chapter uses it.
using Plotly.NET;
using Workbook.Runtime;

namespace Workbook.Display;

public static class Export
{
    /// <summary>Where exports go: WORKBOOK_EXPORT if set, else "exports" beside the notebooks' repository root (or the working directory).</summary>
    public static string Folder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("WORKBOOK_EXPORT") is { Length: > 0 } folder) return Path.GetFullPath(folder);
            try { return Path.Combine(Path.GetDirectoryName(Data.DataFolder.Locate())!, "exports"); }
            catch (Data.DataFileException) { return Path.GetFullPath("exports"); }
        }
    }

    /// <summary>Saves an image grid as name.png; returns the path.</summary>
    public static string Image(PngImage image, string name) => image.Save(PathFor(name, ".png"));

    /// <summary>Saves an animation as name.gif; returns the path.</summary>
    public static string Animation(GifAnimation animation, string name) => animation.Save(PathFor(name, ".gif"));

    /// <summary>
    /// Saves a chart as name.html (always: interactive, offline), and as name.png and name.svg when a
    /// Chromium-family browser is available. Returns a line per file written, and why PNG/SVG are missing if they are.
    /// </summary>
    public static string Chart(GenericChart chart, string name, int scale = 2)
    {
        var lines = new List<string> { AtomicFile.Write(PathFor(name, ".html"), System.Text.Encoding.UTF8.GetBytes(ChartExport.StandaloneHtml(chart, name))) };
        try
        {
            lines.Add(AtomicFile.Write(PathFor(name, ".png"), ChartExport.Render(chart, "png", scale)));
            lines.Add(AtomicFile.Write(PathFor(name, ".svg"), ChartExport.Render(chart, "svg")));
        }
        catch (InvalidOperationException e)
        {
            lines.Add("PNG and SVG not written: " + e.Message);
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Longest figure name: with its extension and the temporary file's ".partial" it stays within a file system's 255 bytes.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The export path for a figure name such as "01-blurry-mean" (letters, digits, '-', '_' only, at most 200 characters).</summary>
    public static string PathFor(string name, string extension)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"figure name '{(name?.Length > 80 ? name[..80] + "…" : name)}': use letters, digits, '-' and '_' only, e.g. \"01-blurry-mean\".");
        if (name.Length > MaxNameLength)
            throw new ArgumentException($"figure name '{name[..40]}…' has {name.Length} characters: use at most {MaxNameLength}, e.g. \"01-blurry-mean\".");
        return Path.Combine(Folder, name + extension);
    }
}
