// Several pictures side by side, each with its caption: one figure for a comparison. Shown as HTML
// by the notebook kernel (notebooks/Kernel). Chapter 1.
namespace Workbook.Display;

/// <summary>Several images in a row, each with a caption underneath; shown as HTML.</summary>
public sealed record Gallery(IReadOnlyList<(string Caption, PngImage Image)> Items)
{
    public string ToHtml()
    {
        var cells = Items.Select(item =>
            $"<figure style=\"display:inline-block;margin:0 16px 8px 0;text-align:center;vertical-align:top\">" +
            $"<img src=\"{item.Image.DataUri}\" width=\"{item.Image.Width}\" height=\"{item.Image.Height}\" style=\"image-rendering:pixelated\" alt=\"{Escape(item.Caption)}\"/>" +
            $"<figcaption style=\"font:14px sans-serif\">{Escape(item.Caption)}</figcaption></figure>");
        return "<div>" + string.Concat(cells) + "</div>";
    }

    static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);

    public static Gallery Of(params (string Caption, PngImage Image)[] items) => new(items);
}
