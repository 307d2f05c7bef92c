// Several pictures side by side, each with its caption, under one title: one figure for a comparison.
// Shown as HTML by the notebook kernel (notebooks/Kernel); exported for slides as one PNG with the
// title and captions in its pixels (Export.Gallery). Chapter 1.
using System.Text.Json;

namespace Workbook.Display;

/// <summary>
/// Pictures in a row (wrapping after <paramref name="Columns"/> when given), each with a caption
/// underneath, and an optional title above; shown as HTML.
/// </summary>
public sealed record Gallery(IReadOnlyList<(string Caption, PngImage Image)> Items, string? Title = null, int? Columns = null)
{
    public string ToHtml()
    {
        var cells = Items.Select((item, i) =>
            (Columns is int c && i > 0 && i % c == 0 ? "<br/>" : "") +
            $"<figure style=\"display:inline-block;margin:0 16px 8px 0;text-align:center;vertical-align:top\">" +
            $"<img src=\"{item.Image.DataUri}\" width=\"{item.Image.Width}\" height=\"{item.Image.Height}\" " +
            $"style=\"image-rendering:pixelated\" alt=\"{Escape(item.Caption)}\"/>" +
            $"<figcaption style=\"font:15px sans-serif;max-width:{Math.Max(150, item.Image.Width)}px;margin:auto\">" +
            $"{Escape(item.Caption)}</figcaption></figure>");
        string title = Title is null ? "" : $"<div style=\"font:bold 16px sans-serif;margin:4px 0 6px\">{Escape(Title)}</div>";
        string attributes = (Title is null ? "" : $" data-title=\"{Escape(Title)}\"") + (Columns is int n ? $" data-columns=\"{n}\"" : "");
        return $"<div class=\"wb-gallery\"{attributes}>{title}{string.Concat(cells)}</div>";
    }

    /// <summary>The gallery as JSON (title, columns, captions and images as data URIs): what export renders.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        title = Title,
        columns = Columns,
        items = Items.Select(i => new { caption = i.Caption, src = i.Image.DataUri }),
    });

    static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);

    public static Gallery Of(params (string Caption, PngImage Image)[] items) => new(items);

    /// <summary>A titled gallery: <c>Gallery.Titled("what it shows", ("a", imageA), ("b", imageB))</c>.</summary>
    public static Gallery Titled(string title, params (string Caption, PngImage Image)[] items) => new(items, title);
}
