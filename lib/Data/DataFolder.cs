// Finds the repository's data/ folder from wherever the code runs: a notebook's folder, the
// tests' bin folder, or a path given in WORKBOOK_DATA.
namespace Workbook.Data;

public static class DataFolder
{
    const string Marker = "checksums.sha256";

    /// <summary>The data folder: WORKBOOK_DATA if set, else the first data/ above the working directory or this library.</summary>
    public static string Locate()
    {
        string? given = Environment.GetEnvironmentVariable("WORKBOOK_DATA");
        if (!string.IsNullOrEmpty(given))
        {
            if (!Directory.Exists(given)) throw new DataFileException(given, "WORKBOOK_DATA names a folder that does not exist.");
            return given;
        }
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(DataFolder).Assembly.Location) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data");
                if (System.IO.File.Exists(Path.Combine(candidate, Marker))) return candidate;
            }
        }
        throw new DataFileException("data/", "no data folder found above the working directory. Run from inside the repository or set WORKBOOK_DATA to its data/ folder.");
    }

    public static string File(params string[] parts) => Path.Combine([Locate(), .. parts]);
}
