// Writing figures for slides: one folder, names that say chapter and figure, files written
// atomically (temporary file, then rename) so an interrupted export never leaves half a file.
namespace Workbook.Display;

public static class Export
{
    /// <summary>Where exports go: WORKBOOK_EXPORT if set, else "exports" in the working directory.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("WORKBOOK_EXPORT") is { Length: > 0 } folder ? folder : Path.GetFullPath("exports");

    /// <summary>Writes bytes to path through a temporary file and a rename; returns the full path.</summary>
    public static string WriteAtomically(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
        return full;
    }
}
