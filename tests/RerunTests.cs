// Running a notebook's cells twice in one kernel (a student's "Run All" after "Run All") gives the
// same figures the second time: no state accumulates between runs, and seeds make them repeatable.
using System.Text.Json.Nodes;
using Workbook.Runner;

namespace Workbook.Tests;

[Collection("serial")]
public class RerunTests
{
    [Fact]
    public void Chapter_1_run_twice_in_one_kernel_draws_identical_figures()
    {
        string root = NotebookRun.RepositoryRoot();
        NotebookRun.Prepare(root);
        string source = Path.Combine(root, "notebooks", "01-prediction-is-curve-fitting.ipynb");
        string folder = Path.Combine(root, "out", "tests", "rerun");
        Directory.CreateDirectory(folder);

        // The same cells twice; the setup script's path made absolute since this copy lives elsewhere.
        string text = File.ReadAllText(source);
        string moved = text.Replace("#load \\\"workbook.csx\\\"", $"#load \\\"{Path.Combine(root, "notebooks", "workbook.csx")}\\\"");
        Assert.NotEqual(text, moved);
        var document = JsonNode.Parse(moved)!;
        var cells = document["cells"]!.AsArray();
        int count = cells.Count;
        for (int i = 0; i < count; i++) cells.Add(cells[i]!.DeepClone());
        for (int i = 0; i < cells.Count; i++) cells[i]!["id"] = $"r{i:D3}";
        string twice = Path.Combine(folder, "01-twice.ipynb");
        File.WriteAllText(twice, document.ToJsonString());

        var result = NotebookRun.Execute(root, twice, folder, quick: true, TimeSpan.FromMinutes(10));
        Assert.True(result.Passed, result.ProcessProblem ?? string.Join("\n", result.Failures.Select(f => $"cell {f.Cell}: {f.Error}")));

        // Figures are named cellNN or by their tag; pair each figure of the first pass with the second's.
        var executed = JsonNode.Parse(File.ReadAllText(result.ExecutedPath))!["cells"]!.AsArray();
        var first = Pictures(executed, 0, count);
        var second = Pictures(executed, count, 2 * count);
        Assert.NotEmpty(first);
        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++) Assert.True(first[i] == second[i], $"picture {i + 1} differs between the first and the second run");
    }

    static List<string> Pictures(JsonArray cells, int from, int to)
    {
        var pictures = new List<string>();
        for (int i = from; i < to; i++)
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                if (output!["data"]?["image/png"] is { } png) pictures.Add(NotebookRun.Text(png).Trim());
                if (output["data"]?["text/html"] is { } html && NotebookRun.Text(html).Contains("<img"))
                    pictures.Add(NotebookRun.Text(html));
            }
        return pictures;
    }
}
