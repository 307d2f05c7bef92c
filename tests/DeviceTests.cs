// Everything lands on TorchRuntime.Device, proved without a GPU. Each model is built while Device is
// torch's "meta" device (tensors without data; only in the calling test, see TorchRuntime.PretendDevice):
// a parameter or buffer left on the CPU is caught, as it would be on CUDA. Code cannot always run on
// meta (no convolution kernels), so the creation calls of the library and of every notebook cell are
// also read: each must say where its tensor or generator goes.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Autoregression;
using Workbook.Conditioning;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Models;
using Workbook.Patches;
using Workbook.Runtime;

namespace Workbook.Tests;

public class DeviceTests
{
    /// <summary>Every model the library builds, small.</summary>
    public static TheoryData<string> Models() => [.. Builders.Keys];

    static readonly Dictionary<string, Func<nn.Module>> Builders = new()
    {
        ["Mlp"] = () => new Mlp(4, 8, 2),
        ["UNet"] = () => new UNet(channels: 8, timeDim: 8),
        ["DiffusionTraining.Build"] = () => DiffusionTraining.Build(new DiffusionConfig(ImageSize: 8, Channels: 8, TimeEmbedding: 8)),
        ["UNet with a condition"] = () => new UNet(channels: 8, timeDim: 8, conditionShape: [4]),
        ["SketchModel.Build"] = () => SketchModel.Build(new SketchModelConfig(ImageSize: 8, SketchSize: 4, Channels: 8, TimeEmbedding: 8)),
        ["SketchModel.Build, outline"] = () => SketchModel.Build(new SketchModelConfig(ImageSize: 8, Channels: 8, TimeEmbedding: 8, Sketch: "outline")),
        ["TextConditionalModel"] = () => new TextConditionalModel(new ConditionalDiffusionConfig(ImageSize: 8, Channels: 8, TimeEmbedding: 8, ConditionDim: 4)),
        ["PixelCnn"] = () => new PixelCnn(levels: 4, channels: 16, layers: 1),
        ["PerPixelNetworks"] = () => new PerPixelNetworks(4, 4, 3, hidden: 8),
        ["SharedPixelNetwork"] = () => new SharedPixelNetwork(4, 4, 3, hidden: 8),
        ["MaskedConv2d"] = () => new MaskedConv2d(1, 4, 3, MaskType.A),
        ["ExactConv2d"] = () => new ExactConv2d(2, 3, 3, padding: 1),
        ["AnyOrderTraining.Build"] = () => AnyOrderTraining.Build(new AnyOrderModelConfig(ImageSize: 8, Hidden: 16)),
        ["ReferenceClassifier"] = () => new ReferenceClassifier(new ReferenceClassifierConfig(ImageSize: 8, Channels1: 4, Channels2: 4, Features: 8)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_parameter_and_buffer_of_a_new_model_is_on_the_chosen_device(string name)
    {
        using (TorchRuntime.PretendDevice(META))
        {
            Assert.Equal(DeviceType.META, TorchRuntime.Device.type);
            var model = Builders[name]();
            var elsewhere = model.named_parameters().Select(p => (p.name, p.parameter.device_type))
                .Concat(model.named_buffers().Select(b => (b.name, b.buffer.device_type)))
                .Where(p => p.device_type != DeviceType.META).ToList();
            Assert.True(model.parameters().Any(), $"{name} has no parameters to check");
            Assert.True(elsewhere.Count == 0, $"{name}: not on the chosen device: {string.Join(", ", elsewhere)}");
        }
        Assert.NotEqual(DeviceType.META, TorchRuntime.Device.type);   // the pretence ends with its scope
    }

    [Fact]
    public void Generators_and_sampler_noise_are_on_the_chosen_device()
    {
        using (TorchRuntime.PretendDevice(META))
        {
            Assert.Equal(DeviceType.META, Seeds.Generator(1).device.type);
            Assert.Equal(DeviceType.META, Seeds.Generator(2).device.type);
            var order = PixelOrders.RasterPatches(2, 4, 4, 2);
            Assert.Equal(DeviceType.META, order.StepOfPixel.device_type);
        }
    }

    /// <summary>Creation calls: torch functions that make a tensor from nothing, and generators.</summary>
    static readonly Regex Creation = new(@"(?<![\w.])(?:torch\.)?(?<name>rand|randn|randint|randperm|zeros|ones|full|empty|eye|arange|linspace|logspace|tensor|as_tensor|from_array)\s*\(|new\s+Generator\s*\(", RegexOptions.Compiled);

    /// <summary>Each creation call in <paramref name="code"/> whose arguments do not say where the result goes.</summary>
    internal static IEnumerable<string> CallsWithoutDevice(string code)
    {
        foreach (Match m in Creation.Matches(code))
        {
            int open = m.Index + m.Length - 1, depth = 0, end = open;
            for (; end < code.Length; end++)
            {
                if (code[end] == '(') depth++;
                else if (code[end] == ')' && --depth == 0) break;
            }
            string call = code[m.Index..Math.Min(end + 1, code.Length)];
            if (!call.Contains("device", StringComparison.OrdinalIgnoreCase) && !call.Contains("Device"))
                yield return Regex.Replace(call, @"\s+", " ");
        }
    }

    [Fact]
    public void The_scan_finds_creation_calls_that_ignore_the_device()
    {
        Assert.Equal(["randn([2, 3], generator: g)", "new Generator(7)", "zeros(4, int64)"],
            CallsWithoutDevice("var a = randn([2, 3], generator: g); var b = new Generator(7); var c = zeros(4, int64); var d = x.zeros_like();"));
        Assert.Empty(CallsWithoutDevice("randn([2, 3], generator: g, device: TorchRuntime.Device); Seeds.Generator(7); zeros(4, int64, x.device); nn.init.ones_(w);"));
    }

    [Fact]
    public void Library_code_creates_every_tensor_and_generator_on_a_chosen_device()
    {
        string lib = Path.Combine(Runner.NotebookRun.RepositoryRoot(), "lib");
        var found = Directory.GetFiles(lib, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(f => CallsWithoutDevice(WithoutComments(File.ReadAllText(f))).Select(c => $"{Path.GetRelativePath(lib, f)}: {c}"))
            .ToList();
        Assert.True(found.Count == 0, "creation calls without a device:\n" + string.Join("\n", found));
    }

    [Fact]
    public void Notebook_cells_create_every_tensor_and_generator_on_the_chosen_device()
    {
        var found = new List<string>();
        foreach (string notebook in Runner.NotebookRun.Notebooks(Runner.NotebookRun.RepositoryRoot()))
        {
            var cells = JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray();
            for (int i = 0; i < cells.Count; i++)
            {
                if ((string?)cells[i]!["cell_type"] != "code") continue;
                string code = string.Concat(cells[i]!["source"]!.AsArray().Select(line => (string?)line));
                found.AddRange(CallsWithoutDevice(WithoutComments(code)).Select(c => $"{Path.GetFileName(notebook)} cell {i}: {c}"));
            }
        }
        Assert.True(found.Count == 0, "creation calls without a device:\n" + string.Join("\n", found));
    }

    static string WithoutComments(string code) => Regex.Replace(code, @"//[^\n]*|/\*.*?\*/", "", RegexOptions.Singleline);
}
