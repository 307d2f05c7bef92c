// The Jupyter tests need Jupyter's executor (Debian: jupyter-nbconvert, python3-nbclient), which a fresh
// machine may lack. There they are reported as skipped, with the fix; under CI (CI=true, where .ci/run
// installs it) a missing executor fails them instead.
using Workbook.Runner;

namespace Workbook.Tests;

static class JupyterOrSkip
{
    /// <summary>Skips (or, under CI, fails) when <paramref name="missing"/> says Jupyter is not there.</summary>
    public static void Check(string? missing)
    {
        if (missing is not null && Environment.GetEnvironmentVariable("CI") != "true") throw new SkipException(missing);
        Assert.True(missing is null, missing);
    }
}

/// <summary>Runs all notebooks once through Jupyter (quick mode) for the notebook tests; nothing when Jupyter is missing.</summary>
public sealed class JupyterQuickRun
{
    public string? Missing { get; } = JupyterRun.Missing();
    public string Folder { get; } = Path.Combine(NotebookRun.RepositoryRoot(), "out", "tests", "jupyter");
    public IReadOnlyDictionary<string, NotebookResult> Results { get; } = new Dictionary<string, NotebookResult>();

    public JupyterQuickRun()
    {
        if (Missing is not null) return;
        string root = NotebookRun.RepositoryRoot();
        NotebookRun.Prepare(root);
        Results = NotebookRun.Notebooks(root).ToDictionary(n => Path.GetFileName(n), n => JupyterRun.Execute(root, n, Folder, quick: true, TimeSpan.FromMinutes(10)))!;
    }
}
