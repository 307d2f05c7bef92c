// Runs a chapter exported as a plain C# program (ScriptExport) with `dotnet run NAME.cs` in its own folder and
// reads back what happened: compile errors and an unhandled exception, each traced to the cell it came from,
// and the files the program's displays wrote there.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Workbook.Runner;

public static partial class ScriptRun
{
    [GeneratedRegex(@"\.cs\((\d+),\d+\): error (.*)$", RegexOptions.Multiline)]
    private static partial Regex CompileError();

    [GeneratedRegex(@"\.cs:line (\d+)")]
    private static partial Regex StackLine();

    /// <summary>
    /// Runs <paramref name="script"/> (quick or full mode) and returns its outcome: the displays it wrote as
    /// figures, its console output in output.txt beside it.
    /// </summary>
    public static NotebookResult Execute(ExportedScript script, bool quick, TimeSpan timeout)
    {
        string folder = Path.GetDirectoryName(script.Path)!;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "run", Path.GetFileName(script.Path) }) start.ArgumentList.Add(arg);
        start.Environment["WORKBOOK_QUICK"] = quick ? "1" : "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var clock = Stopwatch.StartNew();
        var (exitCode, output) = NotebookRun.RunProcess(start, timeout);
        clock.Stop();
        File.WriteAllText(Path.Combine(folder, "output.txt"), output + "\n");

        var failures = script.Problems.Select(p => new CellFailure(p.Number, p.Cell, p.Message)).ToList();
        foreach (Match m in CompileError().Matches(output))
        {
            var (cell, number) = script.CellAt(int.Parse(m.Groups[1].Value));
            failures.Add(new CellFailure(number, cell, m.Groups[2].Value.Trim()));
        }
        if (exitCode is not (0 or null) && failures.Count == 0)
        {
            var line = StackLine().Match(output);
            var (cell, number) = line.Success ? script.CellAt(int.Parse(line.Groups[1].Value)) : ("(cell not found)", 0);
            string error = output.Split('\n').FirstOrDefault(l => l.StartsWith("Unhandled exception")) ?? output.Split('\n').LastOrDefault() ?? "";
            failures.Add(new CellFailure(number, cell, error.Trim()));
        }
        string? problem = exitCode switch
        {
            null => $"timed out after {timeout.TotalMinutes:F0} minutes",
            0 => null,
            _ when failures.Count > 0 => null,
            _ => $"`dotnet run` ended with exit code {exitCode}. Output:\n{output}",
        };
        var figures = Directory.GetFiles(folder).Where(f => Path.GetExtension(f) is ".png" or ".gif" or ".html" && Path.GetFileName(f) != "index.html").Order().ToList();
        return new NotebookResult(Path.GetFileNameWithoutExtension(script.Path), script.Path, clock.Elapsed, failures.Distinct().ToList(), figures, problem);
    }
}
