// dotnet run --project notebooks/Runner [-- --quick] [name-filter ...]
// Runs the notebooks headless, each in its own kernel, into out/: executed notebooks in
// out/notebooks (each with NAME.run.json: mode and time), figures in out/figures/<notebook>/, and
// out/book/, which lists every executed notebook there, this run's or earlier ones. Exits 1 if any cell failed.
// dotnet run --project notebooks/Runner -- --jupyter [--quick] [name-filter ...]
// The same notebooks through Jupyter's own executor (nbconvert) and the .NET Interactive kernel installed into
// out/jupyter/ only: executed notebooks in out/jupyter/notebooks, their HTML pages in out/jupyter/html.
// dotnet run --project notebooks/Runner -- --jupyter-notebook   (Jupyter's classic Notebook on loopback, with that kernel)
// dotnet run --project notebooks/Runner -- --scripts [--quick] [name-filter ...]   (--export-scripts: write, do not run)
// Each notebook as a plain C# program, out/scripts/NAME/NAME.cs, run with `dotnet run`; its displays are files beside it.
// dotnet run --project notebooks/Runner -- --train-shipped NAME [--threads N]   (maintainers: rebuild a shipped model)
// dotnet run --project notebooks/Runner -- --measure-shipped NAME               (maintainers: re-measure one, weights unchanged)
using Workbook.Runner;

int shippedAt = Array.IndexOf(args, "--train-shipped");
int measureAt = Array.IndexOf(args, "--measure-shipped");
if (measureAt >= 0)
    return ShippedTraining.Remeasure(args.ElementAtOrDefault(measureAt + 1));
if (shippedAt >= 0)
    return ShippedTraining.Run(args.ElementAtOrDefault(shippedAt + 1),
        int.TryParse(args.SkipWhile(a => a != "--threads").Skip(1).FirstOrDefault(), out int threads) ? threads : null);

bool quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("WORKBOOK_QUICK") == "1";
var filters = args.Where(a => !a.StartsWith("--")).ToArray();
string root = NotebookRun.RepositoryRoot();
string output = Path.Combine(root, "out");
var notebooks = NotebookRun.Notebooks(root).Where(n => filters.Length == 0 || filters.Any(f => Path.GetFileName(n).Contains(f))).ToList();
if (notebooks.Count == 0)
{
    Console.Error.WriteLine($"No notebook matches {string.Join(", ", filters)}.");
    return 1;
}

if (args.Contains("--scripts") || args.Contains("--export-scripts"))
{
    var scripts = notebooks.Select(n => ScriptExport.Write(root, n, Path.Combine(output, "scripts"))).ToList();
    foreach (var script in scripts.Where(s => s.Problems.Count > 0))
        Console.WriteLine($"{Path.GetFileName(script.Path)}:\n" + string.Join("\n", script.Problems.Select(p => $"  cell {p.Number} ({p.Cell}) {p.Message}")));
    if (!args.Contains("--scripts"))
    {
        Console.WriteLine($"{scripts.Count} programs written to {Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(output, "scripts"))}/");
        return scripts.All(s => s.Problems.Count == 0) ? 0 : 1;
    }
    return Report(scripts.Select(s => Print(ScriptRun.Execute(s, quick, TimeSpan.FromMinutes(quick ? 10 : 30)))).ToList(), "scripts");
}

Console.WriteLine($"Preparing: dotnet tool restore, dotnet build notebooks/Kernel ({(quick ? "quick" : "full")} mode, {notebooks.Count} notebooks)");
NotebookRun.Prepare(root);
if (args.Contains("--jupyter-notebook"))
    return JupyterRun.Missing() is { } notInstalled ? Fail(notInstalled) : JupyterRun.Serve(root, Path.Combine(output, "jupyter"));
if (args.Contains("--jupyter"))
{
    if (JupyterRun.Missing() is { } missing) return Fail(missing);
    Console.WriteLine($"Jupyter: {JupyterRun.Describe()}; kernel: {JupyterRun.InstallKernel(Path.Combine(output, "jupyter"))}");
    return Report(notebooks.Select(n => Print(JupyterRun.Execute(root, n, Path.Combine(output, "jupyter"), quick, TimeSpan.FromMinutes(quick ? 10 : 30)))).ToList(), "jupyter");
}

var results = new List<NotebookResult>();
foreach (string notebook in notebooks)
{
    Console.WriteLine($"Running {Path.GetFileName(notebook)} ...");
    results.Add(Print(NotebookRun.Execute(root, notebook, output, quick, TimeSpan.FromMinutes(quick ? 10 : 30))));
}

string executedFolder = Path.Combine(output, "notebooks");
if (NotebookRun.NotebooksIn(executedFolder).Count > 0)   // every chapter executed so far, each page saying its mode and time
    Console.WriteLine($"HTML book: {Path.GetRelativePath(root, HtmlBook.Write(executedFolder, Path.Combine(output, "book")))}");
return Report(results, "");

NotebookResult Print(NotebookResult result)
{
    Console.WriteLine($"  {result.Notebook}: {(result.Passed ? "ok" : "FAILED")} in {result.Elapsed.TotalSeconds:F0} s, {result.Figures.Count} figures -> {Path.GetRelativePath(root, result.ExecutedPath)}");
    if (result.ProcessProblem is not null) Console.WriteLine("  " + result.ProcessProblem);
    foreach (var failure in result.Failures)
        Console.WriteLine($"  cell {failure.Cell} ({failure.FirstLine}):\n    {failure.Error.Split('\n')[0]}");
    return result;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}

int Report(IReadOnlyList<NotebookResult> results, string folder)
{
    Console.WriteLine($"{results.Count(r => r.Passed)} passed, {results.Count(r => !r.Passed)} failed; outputs in {Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(output, folder))}/");
    return results.All(r => r.Passed) ? 0 : 1;
}
