// A PNG picture the library hands to notebooks: the kernel shows it inline (image/png) and
// Save writes it for slides. The library never displays or writes files by itself. Chapter 1.
namespace Workbook.Display;

public sealed record PngImage(byte[] Bytes, int Width, int Height)
{
    /// <summary>The image as a data: URI, for embedding in HTML.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Bytes);

    /// <summary>Writes the PNG to <paramref name="path"/> (folders are created) and returns the full path.</summary>
    public string Save(string path) => Export.WriteAtomically(path, Bytes);

    public override string ToString() => $"PNG {Width}x{Height}";
}

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
