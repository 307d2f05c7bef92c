// The core library (lib/) needs no notebook kernel: it names no .NET Interactive package, and a plain
// program (this test process) runs it end to end: data, a model, training with progress, sampling,
// a picture, a chart page. The kernel's adapter lives in notebooks/Kernel.
using System.Text.Json.Nodes;
using Workbook.Diffusion;
using Workbook.Display;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

public class CoreWithoutKernelTests
{
    [Fact]
    public void The_core_library_depends_on_no_notebook_kernel_package()
    {
        string project = File.ReadAllText(Path.Combine(Runner.NotebookRun.RepositoryRoot(), "lib", "Workbook.csproj"));
        Assert.DoesNotContain("Microsoft.DotNet.Interactive", project);
        var deps = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workbook.Tests.deps.json")))!;
        var libraries = deps["libraries"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains(libraries, name => name.StartsWith("TorchSharp/"));
        Assert.DoesNotContain(libraries, name => name.StartsWith("Microsoft.DotNet.Interactive"));
    }

    [Fact]
    public void A_plain_program_trains_samples_draws_and_charts_with_the_core_alone()
    {
        var data = SyntheticData.Digits(64, seed: 3);
        var config = new DiffusionConfig(ImageSize: 8, TimeSteps: 50, Channels: 8, TimeEmbedding: 8, TrainingSteps: 3, BatchSize: 8);
        var net = DiffusionTraining.Build(config);
        var lines = new List<string>();
        var history = DiffusionTraining.Train(net, config, data, new Progress(p => lines.Add(ConsoleProgress.Line("tiny", p))));
        Assert.Equal(3, history.Losses.Count);
        var run = new DdimSampler(config.CreateSchedule(), config.Target, 5).Generate(net.forward, [4, 1, 8, 8], Seeds.Generator(1));
        Assert.Equal(5, run.Evaluations);
        var picture = ImageGrid.From(run.Images, columns: 4, scale: 4, low: -1, high: 1);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], picture.Bytes[..4]);
        string page = ChartExport.StandaloneHtml(Charts.Loss(history.Losses), "tiny");
        Assert.Contains("Plotly.newPlot", page);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name!.StartsWith("Microsoft.DotNet.Interactive"));
    }

    sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
