// Saves every picture an executed notebook shows as a file: image/png outputs, the PNGs embedded in
// HTML outputs (galleries, tensors, a slider's first frame) as .png, and animations as .gif. Files
// are named after the cell that made them.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Runner;

public static partial class FigureExtraction
{
    [GeneratedRegex("<img[^>]*src=\"data:image/(png|gif);base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedImage();

    [GeneratedRegex(@"^\s*//\s*Figure:\s*([A-Za-z0-9 _-]+)", RegexOptions.Multiline)]
    private static partial Regex FigureTag();

    /// <summary>Writes the figures to <paramref name="folder"/> (emptied first) and returns their paths.</summary>
    public static IReadOnlyList<string> Save(JsonNode document, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var saved = new List<string>();
        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var pngs = new List<(byte[] Bytes, string Extension)>();
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                var data = output!["data"];
                if (data is null) continue;
                if (data["image/png"] is { } png) pngs.Add((Convert.FromBase64String(NotebookRun.Text(png).Trim()), ".png"));
                if (data["text/html"] is { } html)
                    foreach (Match m in EmbeddedImage().Matches(NotebookRun.Text(html)))
                        pngs.Add((Convert.FromBase64String(m.Groups[2].Value), "." + m.Groups[1].Value));
            }
            if (pngs.Count == 0) continue;
            var tag = FigureTag().Match(NotebookRun.Text(cells[i]!["source"]));
            string stem = tag.Success ? tag.Groups[1].Value.Trim().Replace(' ', '-').ToLowerInvariant() : $"cell{i + 1:D2}";
            Directory.CreateDirectory(folder);
            for (int k = 0; k < pngs.Count; k++)
            {
                string path = Path.Combine(folder, (pngs.Count == 1 ? stem : $"{stem}-{k + 1}") + pngs[k].Extension);
                File.WriteAllBytes(path, pngs[k].Bytes);
                saved.Add(path);
            }
        }
        return saved;
    }
}
