// A PNG picture the library hands to notebooks: the kernel shows it inline (image/png) and
// Save writes it for slides. The library never displays or writes files by itself. Chapter 1.
namespace Workbook.Display;

public sealed record PngImage(byte[] Bytes, int Width, int Height)
{
    /// <summary>The image as a data: URI, for embedding in HTML.</summary>
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Bytes);

    /// <summary>Writes the PNG to <paramref name="path"/> (folders are created) and returns the full path.</summary>
    public string Save(string path) => Runtime.AtomicFile.Write(path, Bytes);

    public override string ToString() => $"PNG {Width}x{Height}";
}
