// Every notebook runs top to bottom, headless, in quick mode, in its own kernel process: the same
// kernel VS Code uses. A cell that throws fails the test with the cell and the error.
using Workbook.Runner;
using Xunit.Abstractions;

namespace Workbook.Tests;

[CollectionDefinition("notebooks", DisableParallelization = true)]
public class NotebookCollection;

[Collection("notebooks")]
public class NotebookTests(ITestOutputHelper log)
{
    static readonly Lazy<string> Prepared = new(() =>
    {
        string root = NotebookRun.RepositoryRoot();
        NotebookRun.Prepare(root);
        return root;
    });

    public static TheoryData<string> Notebooks() =>
        new(NotebookRun.Notebooks(NotebookRun.RepositoryRoot()).Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_headless_in_quick_mode(string notebook)
    {
        string root = Prepared.Value;
        string output = Path.Combine(root, "out", "tests");
        var result = NotebookRun.Execute(root, Path.Combine(root, "notebooks", notebook), output, quick: true, timeout: TimeSpan.FromMinutes(10));
        log.WriteLine($"{notebook}: {result.Elapsed.TotalSeconds:F0} s, {result.Figures.Count} figures");
        Assert.True(result.ProcessProblem is null, result.ProcessProblem);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => $"cell {f.Cell} ({f.FirstLine}): {f.Error}")));
        Assert.NotEmpty(result.Figures);
    }

    [Fact]
    public void Source_notebooks_are_committed_without_outputs()
    {
        foreach (string notebook in NotebookRun.Notebooks(NotebookRun.RepositoryRoot()))
        {
            string text = File.ReadAllText(notebook);
            Assert.False(text.Contains("\"output_type\""), $"{Path.GetFileName(notebook)} carries outputs: clear them before committing.");
        }
    }
}
