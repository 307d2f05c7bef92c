// Jupyter as a second front-end: executes a notebook with Jupyter's own executor (nbconvert, Debian's
// python3-nbconvert) and the .NET Interactive kernel (the repository's local dotnet tool dotnet-interactive),
// installed into out/jupyter/ only, never into the user's Jupyter folders or global dotnet tools. The kernel
// listens on loopback only; its start-up output (a page script that probes the kernel's HTTP port) and its
// compiler warnings are removed from the executed notebook, which is signed in out/jupyter's trust database
// so classic Notebook draws its charts.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Runner;

public static partial class JupyterRun
{
    /// <summary>The kernel's name, as every notebook's metadata says (kernelspec.name).</summary>
    public const string KernelName = ".net-csharp";

    /// <summary>Marks the kernel's start-up output: a script that finds the kernel's HTTP port and loads require.js from the internet.</summary>
    const string BootstrapMarker = "dotnet-interactive-this-cell-";

    /// <summary>
    /// The Python with Jupyter: WORKBOOK_JUPYTER_PYTHON if set, else Debian's /usr/bin/python3 (a pyenv or
    /// virtual-environment python3 earlier on PATH usually has no Jupyter), else python3.
    /// </summary>
    public static string Python =>
        Environment.GetEnvironmentVariable("WORKBOOK_JUPYTER_PYTHON") is { Length: > 0 } given ? given
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Null when nbconvert, nbclient and nbformat import; else what is missing and how to install it.</summary>
    public static string? Missing()
    {
        var (code, output) = Python3(["-c", "import nbconvert, nbclient, nbformat"], TimeSpan.FromMinutes(1));
        return code == 0 ? null
            : $"No Jupyter executor in {Python} ({output.Split('\n').LastOrDefault()}): on Debian, apt-get install jupyter-nbconvert " +
              "python3-nbclient jupyter-notebook, or set WORKBOOK_JUPYTER_PYTHON to a Python that has nbconvert.";
    }

    /// <summary>"nbconvert 6.5.3, nbclient 0.7.2, notebook 6.4.12 (/usr/bin/python3)".</summary>
    public static string Describe()
    {
        var (code, output) = Python3(["-c", "import nbconvert, nbclient\ntry:\n import notebook; n = notebook.__version__\nexcept ImportError:\n n = 'not installed'\n" +
                                           "print(f'nbconvert {nbconvert.__version__}, nbclient {nbclient.__version__}, classic notebook {n}')"], TimeSpan.FromMinutes(1));
        return (code == 0 ? output : Missing() ?? output) + $" ({Python})";
    }

    /// <summary>The environment that keeps Jupyter inside <paramref name="jupyterFolder"/>: its data (kernels, trust database), configuration and runtime files.</summary>
    public static Dictionary<string, string> Folders(string jupyterFolder) => new()
    {
        ["JUPYTER_DATA_DIR"] = Path.Combine(jupyterFolder, "data"),
        ["JUPYTER_CONFIG_DIR"] = Path.Combine(jupyterFolder, "config"),
        ["JUPYTER_RUNTIME_DIR"] = Path.Combine(jupyterFolder, "runtime"),
    };

    /// <summary>
    /// Writes the kernelspec into out/jupyter/data/kernels/.net-csharp: the repository's dotnet-interactive (found
    /// through dotnet-tools.json from the notebook's folder), C# by default, HTTP on loopback only, no telemetry. Returns its path.
    /// </summary>
    public static string InstallKernel(string jupyterFolder)
    {
        string folder = Path.Combine(jupyterFolder, "data", "kernels", KernelName);
        Directory.CreateDirectory(folder);
        var spec = new JsonObject
        {
            ["argv"] = new JsonArray("dotnet", "dotnet-interactive", "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"),
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            // no usage reports from the kernel or the dotnet CLI, in classic Notebook sessions too
            ["env"] = new JsonObject { ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        };
        string path = Path.Combine(folder, "kernel.json");
        File.WriteAllText(path, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>
    /// Executes <paramref name="notebook"/> through nbconvert into out/jupyter/notebooks/NAME.ipynb (start-up output
    /// removed, signed), writes its HTML page to out/jupyter/html/NAME.html and its figures to out/jupyter/figures/NAME/,
    /// and reports the cells that failed.
    /// </summary>
    public static NotebookResult Execute(string root, string notebook, string jupyterFolder, bool quick, TimeSpan timeout)
    {
        string name = Path.GetFileNameWithoutExtension(notebook);
        string executedFolder = Path.Combine(jupyterFolder, "notebooks");
        string executed = Path.Combine(executedFolder, name + ".ipynb");
        Directory.CreateDirectory(executedFolder);
        File.Delete(executed);
        InstallKernel(jupyterFolder);

        var clock = Stopwatch.StartNew();
        var (exitCode, output) = Python3(["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                                          $"--ExecutePreprocessor.kernel_name={KernelName}", $"--ExecutePreprocessor.timeout={(int)timeout.TotalSeconds}",
                                          "--output-dir", executedFolder, "--output", name, notebook],
                                         timeout + TimeSpan.FromMinutes(1), jupyterFolder, Path.GetDirectoryName(notebook)!, quick);
        clock.Stop();

        string? problem = exitCode switch
        {
            null => $"timed out after {timeout.TotalMinutes:F0} minutes",
            0 when File.Exists(executed) => null,
            _ => $"nbconvert ended with exit code {exitCode} and wrote no notebook. Output:\n{output}",
        };
        var failures = new List<CellFailure>();
        var figures = new List<string>();
        if (File.Exists(executed))
        {
            var document = JsonNode.Parse(File.ReadAllText(executed))!;
            RemoveKernelNoise(document);
            File.WriteAllText(executed, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            failures.AddRange(ReadFailures(document));
            figures.AddRange(FigureExtraction.Save(document, Path.Combine(jupyterFolder, "figures", name)));
            // Trusted in out/jupyter's database: classic Notebook started with JUPYTER_DATA_DIR=out/jupyter/data runs its chart scripts.
            var (signed, signOutput) = Python3(["-m", "nbformat.sign", executed], TimeSpan.FromMinutes(1), jupyterFolder);
            if (signed != 0) problem ??= "could not sign the executed notebook: " + signOutput;
            var (html, htmlOutput) = Python3(["-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", Path.Combine(jupyterFolder, "html"), executed],
                                             TimeSpan.FromMinutes(2), jupyterFolder);
            if (html != 0) problem ??= "could not convert the executed notebook to HTML: " + htmlOutput;
        }
        return new NotebookResult(name, executed, clock.Elapsed, failures, figures, problem);
    }

    /// <summary>
    /// Starts Jupyter's classic Notebook on loopback for the notebooks folder, with the kernel and trust database of
    /// <paramref name="jupyterFolder"/>, and waits until it stops (Ctrl+C). Returns its exit code.
    /// </summary>
    public static int Serve(string root, string jupyterFolder)
    {
        InstallKernel(jupyterFolder);
        var start = new ProcessStartInfo(Python) { WorkingDirectory = root };
        foreach (string argument in new[] { "-m", "notebook", "--ip=127.0.0.1", "--no-browser", $"--notebook-dir={root}" }) start.ArgumentList.Add(argument);
        if (System.Environment.UserName == "root") start.ArgumentList.Add("--allow-root");   // as on this project's machines and CI; Notebook refuses root otherwise
        foreach (var (key, value) in Folders(jupyterFolder)) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Whether Jupyter, with its data in <paramref name="jupyterFolder"/>, trusts the notebook (draws its charts on opening).</summary>
    public static bool IsTrusted(string notebook, string jupyterFolder)
    {
        var (code, output) = Python3(["-c", "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\n" +
                                           "print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], as_version=4)))", notebook],
                                     TimeSpan.FromMinutes(1), jupyterFolder);
        return code == 0 && output.EndsWith("True");
    }

    /// <summary>
    /// Removes what the kernel adds under Jupyter only: its start-up output (it names the kernel's address and loads
    /// require.js from the internet) and stderr text that is nothing but compiler warnings (CS1701 about TorchSharp's
    /// System.Runtime.Numerics reference, in cells that declare methods), which dotnet-repl and VS Code do not show as output.
    /// </summary>
    public static void RemoveKernelNoise(JsonNode document)
    {
        foreach (var cell in document["cells"]!.AsArray())
        {
            if (cell!["outputs"] is not JsonArray outputs) continue;
            foreach (var output in outputs.Where(o => NotebookRun.Text(o!["data"]?["text/html"]).Contains(BootstrapMarker) || OnlyWarnings(o!)).ToList())
                outputs.Remove(output);
        }
    }

    static bool OnlyWarnings(JsonNode output) =>
        (string?)output["name"] == "stderr" && NotebookRun.Text(output["text"]).Split('\n').Where(l => l.Trim().Length > 0) is var lines &&
        lines.Any() && lines.All(l => WarningLine().IsMatch(l));

    [GeneratedRegex(@"^\s*(\(\d+,\d+\):\s*)?warning CS\d{4}:")]
    private static partial Regex WarningLine();

    /// <summary>
    /// The kinds of output each code cell shows, by its 1-based number in the notebook (dotnet-repl keeps no cell ids):
    /// "error", "stderr", "text", "image", "chart", "table", "html" and "plotly.js" (the setup cell's script), each
    /// once, in that order. Runs of one notebook through two front-ends should agree on these, whatever the pictures look like.
    /// </summary>
    public static SortedDictionary<int, string> OutputKinds(JsonNode document)
    {
        string[] order = ["error", "stderr", "text", "image", "chart", "table", "html", "plotly.js"];
        var kinds = new SortedDictionary<int, string>();
        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!;
            if ((string?)cell["cell_type"] != "code") continue;
            var found = new HashSet<string>();
            foreach (var output in cell["outputs"]?.AsArray() ?? [])
            {
                var data = output!["data"];
                string html = NotebookRun.Text(data?["text/html"]);
                found.Add((string?)output["output_type"] switch
                {
                    "error" => "error",
                    "stream" => (string?)output["name"] == "stderr" ? "stderr" : "text",
                    _ when data?["image/png"] is not null || html.Contains("<img") => "image",
                    _ when html.Contains("id=\"plotly-") => "chart",
                    _ when html.Contains("<table") => "table",
                    _ when html.Contains("if(!window.Plotly)") => "plotly.js",
                    _ when html.Length > 0 => "html",
                    _ => "text",
                });
            }
            kinds[i + 1] = string.Join(",", order.Where(found.Contains));
        }
        return kinds;
    }

    /// <summary>Cells with an error output; a compile error's message arrives on the cell's stderr, so it is added.</summary>
    static IEnumerable<CellFailure> ReadFailures(JsonNode document)
    {
        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var outputs = cells[i]!["outputs"]?.AsArray() ?? [];
            string stderr = string.Concat(outputs.Where(o => (string?)o!["name"] == "stderr").Select(o => NotebookRun.Text(o!["text"])));
            foreach (var output in outputs.Where(o => (string?)o!["output_type"] == "error"))
            {
                string error = ((string?)output!["evalue"] ?? "(no message)") + (stderr.Length > 0 ? ": " + stderr.Trim() : "");
                string firstLine = NotebookRun.Text(cells[i]!["source"]).Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
                yield return new CellFailure(i + 1, firstLine, error);
            }
        }
    }

    static (int? ExitCode, string Output) Python3(string[] arguments, TimeSpan timeout, string? jupyterFolder = null, string? workingDirectory = null, bool? quick = null)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (jupyterFolder is not null)
            foreach (var (key, value) in Folders(jupyterFolder)) start.Environment[key] = value;
        if (quick is bool q)
        {
            start.Environment["WORKBOOK_QUICK"] = q ? "1" : "0";
            start.Environment["WORKBOOK_HEADLESS"] = "1";   // progress: the final line only, as under dotnet-repl
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        try { return NotebookRun.RunProcess(start, timeout); }
        catch (System.ComponentModel.Win32Exception e) { return (-1, $"{Python}: {e.Message}"); }
    }
}
