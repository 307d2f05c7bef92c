// Every chapter as a plain C# program: the runner generates a .NET 10 file-based app from each notebook
// (ScriptExport); chapters 1, 7 and 10 run that way in quick mode, with no notebook kernel, and write every
// figure the notebook shows as a file.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Runner;
using Xunit.Abstractions;

namespace Workbook.Tests;

[Collection("serial")]
public class ScriptTests(ITestOutputHelper log)
{
    static readonly string Root = NotebookRun.RepositoryRoot();
    static readonly string Scripts = Path.Combine(Root, "out", "tests", "scripts");

    [Fact]
    public void Every_notebook_exports_as_one_program_with_no_name_declared_twice()
    {
        foreach (string notebook in NotebookRun.Notebooks(Root))
        {
            var script = ScriptExport.Write(Root, notebook, Path.Combine(Scripts, "export-only"));
            Assert.True(script.Problems.Count == 0, $"{Path.GetFileName(notebook)}: " + string.Join("; ", script.Problems.Select(p => $"cell {p.Number} ({p.Cell}) {p.Message}")));
            string program = File.ReadAllText(script.Path);
            Assert.StartsWith("// ", program);
            Assert.DoesNotContain("#load", program);
            Assert.DoesNotContain("#r ", program);
        }
    }

    [Fact]
    public void A_cell_s_last_value_is_shown_markdown_becomes_comments_and_a_second_declaration_is_reported()
    {
        string folder = Path.Combine(Scripts, "synthetic");
        Directory.CreateDirectory(folder);
        string notebook = Path.Combine(folder, "synthetic.ipynb");
        File.WriteAllText(notebook, new JsonObject
        {
            ["cells"] = new JsonArray(
                Cell("markdown", "m1", "# Title\nOne line."),
                Cell("code", "a1", "using System.Text;\nvar x = 1;\nrecord Point(int X);"),
                Cell("code", "a2", "// Figure: the answer\nvar y = x + 1;\ny * 2"),
                Cell("code", "a3", "var x = 3;\nConsole.WriteLine(x);"),
                Cell("code", "a4", "Func<int, int> twice = y => { var z = 2 * y; return z; };\nif (twice(1) > 0) { var y = 0; }")),
            ["metadata"] = new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        }.ToJsonString());

        var script = ScriptExport.Write(Root, notebook, Path.Combine(folder, "out"));
        string program = File.ReadAllText(script.Path);
        log.WriteLine(program);

        Assert.Contains("// # Title\n// One line.", program);
        Assert.Contains("ScriptDisplay.Show(y * 2, \"a2 the answer\");", program);
        Assert.Contains("Console.WriteLine(x);", program);   // a statement that ends with ';' stays as it is
        Assert.True(program.IndexOf("using System.Text;") < program.IndexOf("var x = 1;"), "usings go to the top");
        Assert.True(program.IndexOf("record Point") > program.IndexOf("Console.WriteLine(x);"), "types go after every statement");
        Assert.Contains("#:project ../../../../../../notebooks/Scripts/Workbook.Scripts.csproj", program);
        Assert.Equal(2, script.Problems.Count);   // a lambda's y may shadow a2's, the block's may not
        Assert.Equal((4, "a3"), (script.Problems[0].Number, script.Problems[0].Cell));
        Assert.Contains("`x` again (first declared in a1)", script.Problems[0].Message);
        Assert.Equal((5, "a4"), (script.Problems[1].Number, script.Problems[1].Cell));
        Assert.Contains("`y` inside a block, and a2 declares it", script.Problems[1].Message);
        Assert.Equal(("a2", 3), script.CellAt(program.Split('\n').ToList().FindIndex(l => l.Contains("var y")) + 1));
    }

    public static TheoryData<string> Chapters() => new("01-prediction-is-curve-fitting", "07-denoising-diffusion", "10-classifier-free-guidance");

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Runs_as_a_file_based_app_in_quick_mode_and_writes_every_figure(string chapter)
    {
        string notebook = Path.Combine(Root, "notebooks", chapter + ".ipynb");
        var script = ScriptExport.Write(Root, notebook, Scripts);
        var result = ScriptRun.Execute(script, quick: true, TimeSpan.FromMinutes(10));
        log.WriteLine($"{chapter}: {result.Elapsed.TotalSeconds:F0} s, {result.Figures.Count} files");
        Assert.True(result.ProcessProblem is null, result.ProcessProblem);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => $"cell {f.Cell} ({f.FirstLine}): {f.Error}")));

        // Each figure the notebook names ("// Figure: NAME" in a cell that ends with its value) is a file named after its cell and name.
        var files = Directory.GetFiles(Path.GetDirectoryName(script.Path)!).Select(Path.GetFileName).ToList();
        foreach (var cell in JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray())
        {
            var tag = Regex.Match(NotebookRun.Text(cell!["source"]), @"^\s*//\s*Figure:\s*([A-Za-z0-9 _-]+)", RegexOptions.Multiline);
            if (!tag.Success) continue;
            string stem = $"{cell["id"]}-{Regex.Replace(tag.Groups[1].Value.Trim().ToLowerInvariant(), "[^a-z0-9]+", "-")}";
            Assert.True(files.Any(f => f!.StartsWith(stem + ".") || f.StartsWith(stem + "-")), $"{chapter}: no file for figure {stem}; files: {string.Join(", ", files)}");
        }
        Assert.Contains("index.html", files);
        Assert.Contains(files, f => f!.EndsWith(".png"));
    }

    static JsonObject Cell(string kind, string id, string source) => kind == "code"
        ? new() { ["cell_type"] = kind, ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = source, ["outputs"] = new JsonArray(), ["execution_count"] = null }
        : new() { ["cell_type"] = kind, ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = source };
}
