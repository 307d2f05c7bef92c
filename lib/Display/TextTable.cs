// A small plain-text table for notebook outputs (shown as preformatted text, legible everywhere):
// the first column left-aligned, the others right-aligned. Chapter 5.
namespace Workbook.Display;

public static class TextTable
{
    /// <summary>Formats rows under headers; each cell is shown with ToString() (format numbers before passing them).</summary>
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object>> rows)
    {
        var cells = new List<string[]> { headers.ToArray() };
        foreach (var row in rows)
        {
            if (row.Count != headers.Count) throw new ArgumentException($"a row has {row.Count} cells for {headers.Count} headers.");
            cells.Add(row.Select(c => c?.ToString() ?? "").ToArray());
        }
        var widths = Enumerable.Range(0, headers.Count).Select(j => cells.Max(r => r[j].Length)).ToArray();
        string Line(string[] r) => string.Join("   ", r.Select((c, j) => j == 0 ? c.PadRight(widths[j]) : c.PadLeft(widths[j]))).TrimEnd();
        var lines = cells.Select(Line).ToList();
        lines.Insert(1, new string('-', lines[0].Length));
        return string.Join("\n", lines);
    }
}
