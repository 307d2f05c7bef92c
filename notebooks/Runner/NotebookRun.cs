// Executes one notebook in its own kernel process and reads back what happened: which cells
// failed and with what error, and the pictures the notebook showed.
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Workbook.Runner;

/// <summary>A cell that raised an error: its position, its first source line and the error text.</summary>
public sealed record CellFailure(int Cell, string FirstLine, string Error);

/// <summary>The outcome of running one notebook.</summary>
/// <summary>How an executed notebook was run, stored beside it as NAME.run.json: "quick" or "full", when it finished (UTC), how long, whether every cell passed.</summary>
public sealed record NotebookRunRecord(string Mode, DateTime Finished, double Seconds, bool Passed);

public sealed record NotebookResult(string Notebook, string ExecutedPath, TimeSpan Elapsed, IReadOnlyList<CellFailure> Failures, IReadOnlyList<string> Figures, string? ProcessProblem)
{
    public bool Passed => ProcessProblem is null && Failures.Count == 0;
}

public static class NotebookRun
{
    /// <summary>The repository root: the folder above this program that holds Workbook.sln.</summary>
    public static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workbook.sln not found above the working directory: run from inside the repository.");
    }

    /// <summary>The notebooks in reading order.</summary>
    public static IReadOnlyList<string> Notebooks(string root) => NotebooksIn(Path.Combine(root, "notebooks"));

    /// <summary>The .ipynb files of a folder in reading order (none when the folder does not exist): the sources, or out/notebooks.</summary>
    public static IReadOnlyList<string> NotebooksIn(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>Restores the local dotnet tools (dotnet-repl) and builds what the notebooks load: the library and its kernel adapter.</summary>
    public static void Prepare(string root)
    {
        Dotnet(root, "tool restore", TimeSpan.FromMinutes(10));
        Dotnet(root, "build notebooks/Kernel/Workbook.Kernel.csproj --nologo -v quiet", TimeSpan.FromMinutes(10));   // and the core, lib
    }

    /// <summary>
    /// Runs <paramref name="notebook"/> top to bottom in a fresh kernel (working directory: the notebook's
    /// folder, so relative #r paths resolve as in VS Code), writes the executed copy and its figures
    /// under <paramref name="outputFolder"/>, and reports failures.
    /// </summary>
    public static NotebookResult Execute(string root, string notebook, string outputFolder, bool quick, TimeSpan timeout)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string executed = Path.Combine(outputFolder, "notebooks", name + ".ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!); // dotnet-repl crashes if the folder is missing
        File.Delete(executed);
        File.Delete(RecordPath(executed));

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", executed })
            start.ArgumentList.Add(arg);
        start.Environment["WORKBOOK_QUICK"] = quick ? "1" : "0";
        start.Environment["WORKBOOK_HEADLESS"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";

        var clock = Stopwatch.StartNew();
        var (exitCode, output) = RunProcess(start, timeout);
        clock.Stop();

        string? problem = exitCode switch
        {
            null => $"timed out after {timeout.TotalMinutes:F0} minutes",
            0 or 2 when File.Exists(executed) => null, // 2: a cell failed; the cells say which
            _ => $"the kernel process ended with exit code {exitCode} and wrote no notebook. Output:\n{output}",
        };
        var failures = new List<CellFailure>();
        var figures = new List<string>();
        if (File.Exists(executed))
        {
            var document = JsonNode.Parse(File.ReadAllText(executed))!;
            failures.AddRange(ReadFailures(document));
            figures.AddRange(FigureExtraction.Save(document, Path.Combine(outputFolder, "figures", name)));
        }
        if (exitCode == 2 && failures.Count == 0) problem ??= "dotnet-repl reported a failed cell but the notebook shows no error output.";
        var result = new NotebookResult(name, executed, clock.Elapsed, failures, figures, problem);
        if (File.Exists(executed)) WriteRecord(executed, quick, DateTime.UtcNow, clock.Elapsed, result.Passed);
        return result;
    }

    /// <summary>out/notebooks/NAME.run.json beside out/notebooks/NAME.ipynb.</summary>
    public static string RecordPath(string executedPath) => Path.ChangeExtension(executedPath, ".run.json");

    /// <summary>Writes the run record of an executed notebook (through a temporary file, so it is whole or absent).</summary>
    public static void WriteRecord(string executedPath, bool quick, DateTime finished, TimeSpan elapsed, bool passed)
    {
        var record = new NotebookRunRecord(quick ? "quick" : "full", finished.ToUniversalTime(), Math.Round(elapsed.TotalSeconds, 1), passed);
        Workbook.Runtime.AtomicFile.Write(RecordPath(executedPath), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(record));
    }

    /// <summary>The run record of an executed notebook, or null when there is none (run before records existed) or it cannot be read.</summary>
    public static NotebookRunRecord? ReadRecord(string executedPath)
    {
        try { return System.Text.Json.JsonSerializer.Deserialize<NotebookRunRecord>(File.ReadAllBytes(RecordPath(executedPath))); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { return null; }
    }

    static IEnumerable<CellFailure> ReadFailures(JsonNode document)
    {
        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                if ((string?)output!["output_type"] != "error") continue;
                string source = Text(cells[i]!["source"]);
                string error = (string?)output["evalue"] ?? "(no message)";
                yield return new CellFailure(i + 1, source.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "", error);
            }
        }
    }

    /// <summary>Notebook JSON keeps text either as one string or as a list of lines.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => (string?)node ?? "",
    };

    static void Dotnet(string root, string arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        var (code, output) = RunProcess(start, timeout);
        if (code != 0) throw new InvalidOperationException($"`dotnet {arguments}` failed (exit {code?.ToString() ?? "timeout"}):\n{output}");
    }

    internal static (int? ExitCode, string Output) RunProcess(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (null, "");
        }
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}
