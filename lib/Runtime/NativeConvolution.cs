// What this machine's native convolution does: which instruction sets the CPU offers, which one
// oneDNN (libtorch's CPU kernels) was limited to, and whether the input-gradient bug that ExactConv2d
// works around shows up here. oneDNN picks its kernels by instruction set, so the bug appears on some
// CPUs and not on others; tests and benchmarks report it instead of assuming it. Chapter 7 tells the story.
using static TorchSharp.torch;

namespace Workbook.Runtime;

/// <summary>The outcome of <see cref="NativeConvolution.Probe"/>: the native float32 input-gradient error against float64.</summary>
public sealed record ConvolutionProbe(double RelativeError)
{
    /// <summary>Below this the native gradient is right (float32 rounding gives about 1e-7).</summary>
    public const double RightBelow = 1e-4;

    /// <summary>Above this (or NaN) it is the known bug: 20-95 % errors were measured where it shows.</summary>
    public const double BugAbove = 1e-2;

    public bool HasBug => double.IsNaN(RelativeError) || RelativeError > BugAbove;

    public bool IsRight => RelativeError < RightBelow;

    public override string ToString() =>
        HasBug ? $"native convolution has the input-gradient bug here (relative error {RelativeError:E1}); ExactConv2d's padding is needed"
        : IsRight ? $"native convolution is right here (relative error {RelativeError:E1}); ExactConv2d's padding is harmless"
        : $"native convolution is off by {RelativeError:E1}: neither right nor the known bug";
}

public static class NativeConvolution
{
    /// <summary>
    /// The instruction sets that decide oneDNN's kernels, as this CPU reports them (Linux: /proc/cpuinfo),
    /// and the ONEDNN_MAX_CPU_ISA limit if one is set, e.g. "avx2 (no avx512f); ONEDNN_MAX_CPU_ISA unset".
    /// </summary>
    public static string Describe()
    {
        string features = "instruction sets unknown (no /proc/cpuinfo)";
        if (File.Exists("/proc/cpuinfo"))
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags"))?.Split(':', 2)[1]
                            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
            string Has(string flag) => flags.Contains(flag) ? flag : $"no {flag}";
            features = $"{Has("avx512f")}, {Has("avx2")}, {Has("avx")}";
        }
        string limit = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") ?? "unset";
        return $"{features}; ONEDNN_MAX_CPU_ISA {limit}";
    }

    /// <summary>
    /// Measures the native float32 input gradient of a 3x3 convolution with 32 input channels and 1 output
    /// channel (a U-Net's last layer) against the same computation in float64. Deterministic inputs.
    /// </summary>
    public static ConvolutionProbe Probe()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7, TorchRuntime.Device);
        var x = randn([16, 32, 14, 14], generator: g, device: TorchRuntime.Device, dtype: float64);
        var w = randn([1, 32, 3, 3], generator: g, device: TorchRuntime.Device, dtype: float64) * 0.1;
        var target = randn([16, 1, 14, 14], generator: g, device: TorchRuntime.Device, dtype: float64);
        Tensor InputGradient(ScalarType type)
        {
            var xi = x.to(type).detach().clone().requires_grad_(true);
            nn.functional.mse_loss(nn.functional.conv2d(xi, w.to(type), padding: [1, 1]), target.to(type)).backward();
            return xi.grad!.to(float64);
        }
        var exact = InputGradient(float64);
        var single = InputGradient(float32);
        return new ConvolutionProbe((single - exact).norm().item<double>() / exact.norm().item<double>());
    }
}
