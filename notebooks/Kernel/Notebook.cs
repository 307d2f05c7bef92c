// The notebook kernel's side of the workbook, kept out of the core library (lib/) so that the core
// builds, tests and runs with no notebook package: display formatters for images, galleries, tables,
// animations, charts and tensors, plotly.js put on the page once, and live training progress. A
// future notebook front-end needs one adapter like this one and nothing in the chapters.
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
            Formatter.Register<Slider>((slider, writer) => writer.Write(slider.ToHtml()), "text/html");
            Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml.Fragment(chart)), "text/html");
            Formatter.Register<Tensor>((tensor, writer) => writer.Write(TensorView.ToHtml(tensor)), "text/html");
        }
        KernelInvocationContext.Current?.DisplayAs(ChartHtml.Script(), "text/html");
        return TorchRuntime.Describe();
    }

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
            string text = ConsoleProgress.Line(title, p);
            if (line is null) line = KernelInvocationContextExtensions.Display(context, text, "text/plain");
            else line.Update(text);
            if (!lossChart || !(last || DateTime.UtcNow - lastDrawn > TimeSpan.FromSeconds(2))) return;
            lastDrawn = DateTime.UtcNow;
            var figure = Charts.Lines($"{title}: loss so far", "training step", "loss", new Series("loss", steps.ToArray(), losses.ToArray()));
            if (chart is null) chart = KernelInvocationContextExtensions.Display(context, figure, "text/html");
            else chart.Update(figure);
        }
    }
}
