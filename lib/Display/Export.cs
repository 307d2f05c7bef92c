// Writing figures for slides: one call per figure, one folder, names that say chapter and figure,
// every file written atomically (temporary file, then rename) so an interrupted export never leaves
// half a file. Introduced in chapter 1; every chapter uses it.
using Plotly.NET;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
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
        byte[] page = System.Text.Encoding.UTF8.GetBytes(ChartExport.StandaloneHtml(chart, name));
        var lines = new List<string> { AtomicFile.Write(PathFor(name, ".html"), page) };
        try
        {
            var files = ChartExport.RenderAll([RenderJob.Chart(chart, "png", scale), RenderJob.Chart(chart, "svg")]);
            lines.Add(AtomicFile.Write(PathFor(name, ".png"), files[0]));
            lines.Add(AtomicFile.Write(PathFor(name, ".svg"), files[1]));
        }
        catch (InvalidOperationException e)
        {
            lines.Add("PNG and SVG not written: " + e.Message);
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// Saves a gallery as one name.png: its title and captions drawn into the pixels by a Chromium-family
    /// browser; without one, the pictures side by side with no text, and the returned line says so.
    /// </summary>
    public static string Gallery(Gallery gallery, string name)
    {
        var (bytes, note) = GalleryPicture(gallery);
        string path = AtomicFile.Write(PathFor(name, ".png"), bytes);
        return note is null ? path : path + Environment.NewLine + note;
    }

    /// <summary>The gallery as one PNG, and a note when it had to be made without title and captions.</summary>
    public static (byte[] Bytes, string? Note) GalleryPicture(Gallery gallery)
    {
        try
        {
            return (ChartExport.RenderAll([RenderJob.Picture(gallery)])[0], null);
        }
        catch (InvalidOperationException e)
        {
            return (SideBySide(gallery), "written without title and captions: " + e.Message);
        }
    }

    /// <summary>The gallery's pictures in one row (or rows of Columns) on white, 16 pixels apart, with no text.</summary>
    public static byte[] SideBySide(Gallery gallery)
    {
        const int gap = 16;
        var pictures = gallery.Items.Select(i => SixLabors.ImageSharp.Image.Load<Rgb24>(i.Image.Bytes)).ToList();
        try
        {
            int columns = Math.Max(1, gallery.Columns ?? pictures.Count);
            var rows = pictures.Chunk(columns).ToList();
            int width = rows.Max(r => r.Sum(p => p.Width) + gap * (r.Length + 1));
            int height = rows.Sum(r => r.Max(p => p.Height)) + gap * (rows.Count + 1);
            using var sheet = new Image<Rgb24>(width, height, new Rgb24(255, 255, 255));
            int top = gap;
            foreach (var row in rows)
            {
                int left = gap;
                foreach (var p in row)
                {
                    var (at, picture) = (new Point(left, top), p);
                    sheet.Mutate(c => c.DrawImage(picture, at, 1f));
                    left += p.Width + gap;
                }
                top += row.Max(p => p.Height) + gap;
            }
            using var stream = new MemoryStream();
            sheet.SaveAsPng(stream);
            return stream.ToArray();
        }
        finally
        {
            foreach (var p in pictures) p.Dispose();
        }
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
