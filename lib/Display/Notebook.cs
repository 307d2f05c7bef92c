// Everything a notebook's first cell needs in one call: native torch loaded, Plotly.NET working
// with the kernel's FSharp.Core, charts that draw offline, PNGs and tensors shown as pictures.
// Outside a notebook kernel (tests, console programs) every part of it is harmless.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Display;

public static class Notebook
{
    static int formattersRegistered;

    /// <summary>
    /// Runs when any Workbook type is first touched. Two fixes for running inside a notebook kernel:
    /// (1) the kernel ships FSharp.Core 10.0 while Plotly.NET 6 asks for 10.1: hand it the loaded one;
    /// (2) TorchSharp loaded with #r only looks for its native library beside TorchSharp.dll, not in
    /// runtimes/&lt;rid&gt;/native: load that library by its full path first.
    /// </summary>
#pragma warning disable CA2255 // a module initialiser is exactly what a library loaded with #r needs here
    [ModuleInitializer]
    internal static void OnLoad()
#pragma warning restore CA2255
    {
        AssemblyLoadContext.Default.Resolving += (_, name) => name.Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            : null;
        string folder = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? "";
        var (rid, file) = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ("win-x64", "LibTorchSharp.dll")
                        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ("osx-arm64", "libLibTorchSharp.dylib")
                        : ("linux-x64", "libLibTorchSharp.so");
        string native = Path.Combine(folder, "runtimes", rid, "native", file);
        // On failure TorchRuntime.EnsureLoaded reports the cause at the first torch call, in words.
        if (File.Exists(native)) NativeLibrary.TryLoad(native, out _);
    }

    /// <summary>
    /// Call once at the top of a notebook. Registers the display formatters, puts plotly.js into this
    /// cell's output (so every chart below draws without internet), and says which device runs.
    /// </summary>
    public static string Setup()
    {
        TorchRuntime.EnsureLoaded();
        if (Interlocked.Exchange(ref formattersRegistered, 1) == 0)
        {
            Formatter.Register<PngImage>((image, writer) => writer.Write(Convert.ToBase64String(image.Bytes)), "image/png");
            Formatter.SetPreferredMimeTypesFor(typeof(PngImage), "image/png");
            Formatter.Register<Gallery>((gallery, writer) => writer.Write(gallery.ToHtml()), "text/html");
            Formatter.Register<Table>((table, writer) => writer.Write(table.ToHtml()), "text/html");
            Formatter.Register<GifAnimation>((animation, writer) => writer.Write(animation.ToHtml()), "text/html");
            Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml(chart)), "text/html");
            Formatter.Register<Tensor>((tensor, writer) => writer.Write(TensorView.ToHtml(tensor)), "text/html");
        }
        KernelInvocationContext.Current?.DisplayAs(PlotlyScript(), "text/html");
        return TorchRuntime.Describe();
    }

    /// <summary>
    /// A chart as an HTML fragment that waits for plotly.js (put on the page once by Setup) and draws.
    /// </summary>
    public static string ChartHtml(GenericChart chart)
    {
        string id = "plotly-" + Guid.NewGuid().ToString("N");
        return $"<div id=\"{id}\"></div><script type=\"text/javascript\">(function(){{var c={GenericChart.toJson(chart)};{ProjectorFont}" +
               $"function draw(){{if(window.Plotly)Plotly.newPlot('{id}',c.data,c.layout,c.config);else setTimeout(draw,50);}}draw();}})();</script>";
    }

    /// <summary>JavaScript that sets a chart's base font large enough to read on a projector (c: the chart's JSON).</summary>
    public const string ProjectorFont = "c.layout.font=Object.assign({size:15},c.layout.font||{});";

    /// <summary>plotly.js as shipped inside Plotly.NET, wrapped so it sets window.Plotly even where require.js is present.</summary>
    public static string PlotlyScript() =>
        "<script type=\"text/javascript\">if(!window.Plotly){(function(define,exports,module){\n" + PlotlyJs.Value + "\n})();}</script>";

    public static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js"));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// A progress reporter for training: in a notebook a line that updates in place (step, loss, speed,
    /// time left) and, with <paramref name="lossChart"/>, a loss chart redrawn every two seconds; in a
    /// headless run the final line (and chart) only; elsewhere a plain line every few seconds.
    /// </summary>
    public static IProgress<TrainingProgress> Progress(string title = "training", bool lossChart = false)
    {
        var context = KernelInvocationContext.Current;
        return context is null ? new ConsoleProgress(title) : new KernelProgress(context, title, lossChart);
    }

    /// <summary>Reports synchronously (unlike Progress&lt;T&gt;), so the last update lands before the cell ends.</summary>
    sealed class KernelProgress(KernelInvocationContext context, string title, bool lossChart) : IProgress<TrainingProgress>
    {
        // A headless run records every update as a new output: there, show only the final state.
        readonly bool headless = Environment.GetEnvironmentVariable("WORKBOOK_HEADLESS") == "1";
        readonly List<double> steps = [], losses = [];
        DisplayedValue? line, chart;
        DateTime lastDrawn = DateTime.MinValue;

        public void Report(TrainingProgress p)
        {
            steps.Add(p.Step);
            losses.Add(p.Loss);
            bool last = p.Step == p.Steps || p.Cancelled;
            if (headless && !last) return;
            string text = ProgressLine(title, p);
            if (line is null) line = KernelInvocationContextExtensions.Display(context, text, "text/plain");
            else line.Update(text);
            if (!lossChart || !(last || DateTime.UtcNow - lastDrawn > TimeSpan.FromSeconds(2))) return;
            lastDrawn = DateTime.UtcNow;
            var figure = Charts.Lines($"{title}: loss so far", "training step", "loss", new Series("loss", steps.ToArray(), losses.ToArray()));
            if (chart is null) chart = KernelInvocationContextExtensions.Display(context, figure, "text/html");
            else chart.Update(figure);
        }
    }

    public static string ProgressLine(string title, TrainingProgress p)
    {
        int filled = (int)Math.Round(20.0 * p.Step / p.Steps);
        return $"{title} [{new string('#', filled)}{new string('.', 20 - filled)}] step {p.Step}/{p.Steps}  loss {p.Loss:G4}  " +
               $"{p.StepsPerSecond:F1} steps/s  " +
               (p.Cancelled ? $"cancelled at step {p.Step} of {p.Steps} after {p.Elapsed.TotalSeconds:F1} s"
                : p.Step == p.Steps ? $"done in {p.Elapsed.TotalSeconds:F1} s" : $"~{p.Remaining.TotalSeconds:F0} s left") +
               (p.Skipped > 0 ? $"  ({p.Skipped} steps skipped: non-finite gradients)" : "");
    }

    sealed class ConsoleProgress(string title) : IProgress<TrainingProgress>
    {
        DateTime last = DateTime.MinValue;

        public void Report(TrainingProgress value)
        {
            if (value.Step != value.Steps && !value.Cancelled && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
            last = DateTime.UtcNow;
            Console.WriteLine(ProgressLine(title, value));
        }
    }
}
