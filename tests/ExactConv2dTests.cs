// The convolution the U-Nets use gives the right gradients for every channel count. The reference is
// the same computation in float64. TorchSharp 0.107's native float32 convolution fails this on some CPUs
// for output channel counts that are not multiples of 16; the last test reports whether this machine's
// does, without depending on it. CI runs these tests twice: with oneDNN's own choice of kernels and
// with ONEDNN_MAX_CPU_ISA=SSE41 (see .ci/run), so two native code paths are covered on every machine.
using Workbook.Models;
using Workbook.Runtime;
using Xunit.Abstractions;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class ExactConv2dTests(ITestOutputHelper output)
{
    /// <summary>Relative error of the float32 input and weight gradients against float64.</summary>
    static (double Input, double Weight) GradientErrors(Func<Tensor, Tensor, Tensor> convolve, int inChannels, int outChannels, int kernel)
    {
        var g = new Generator(7);
        var x = randn([16, inChannels, 14, 14], generator: g);
        var w = randn([outChannels, inChannels, kernel, kernel], generator: g) * 0.1;
        var target = randn([16, outChannels, 14, 14], generator: g);
        (Tensor X, Tensor W) Gradients(ScalarType type)
        {
            var xi = x.to(type).detach().clone().requires_grad_(true);
            var wi = w.to(type).detach().clone().requires_grad_(true);
            nn.functional.mse_loss(convolve(xi, wi), target.to(type)).backward();
            return (xi.grad!.to(float64), wi.grad!.to(float64));
        }
        var exact = Gradients(float64);
        var single = Gradients(float32);
        double Relative(Tensor a, Tensor b) => (a - b).norm().item<double>() / b.norm().item<double>();
        return (Relative(single.X, exact.X), Relative(single.W, exact.W));
    }

    [Theory]
    [InlineData(32, 1, 3)]
    [InlineData(32, 4, 3)]
    [InlineData(32, 24, 3)]
    [InlineData(16, 8, 5)]
    [InlineData(32, 32, 3)]
    [InlineData(1, 32, 3)]
    public void Gradients_match_float64_for_any_channel_count(int inChannels, int outChannels, int kernel)
    {
        var (input, weight) = GradientErrors((x, w) => ExactConv2d.Apply(x, w, null, padding: kernel / 2), inChannels, outChannels, kernel);
        Assert.True(input < 1e-4 && weight < 1e-4, $"relative gradient errors: input {input:E1}, weight {weight:E1}");
    }

    [Fact]
    public void Same_outputs_and_parameter_names_as_nn_Conv2d()
    {
        Seeds.Global(3);
        var reference = nn.Conv2d(8, 3, 3, padding: 1);
        Seeds.Global(3);
        var exact = new ExactConv2d(8, 3, 3, padding: 1);
        var x = randn(2, 8, 14, 14);
        Assert.True(exact.call(x).allclose(reference.call(x), rtol: 1e-4, atol: 1e-5));
        Assert.Equal(reference.named_parameters().Select(p => (p.name, string.Join(",", p.parameter.shape))),
                     exact.named_parameters().Select(p => (p.name, string.Join(",", p.parameter.shape))));
        var strided = new ExactConv2d(8, 3, 3, stride: 2, padding: 1);
        Assert.Equal(new long[] { 2, 3, 7, 7 }, strided.call(x).shape);
    }

    [Fact]
    public void The_native_convolution_is_either_right_or_the_known_bug_and_the_test_says_which()
    {
        // oneDNN picks its kernels by instruction set: the bug shows on some CPUs and not on others (seen:
        // absent with AVX2 kernels and with SSE4.1 ones). So this reports what it finds instead of asserting
        // the bug; it fails only on a third outcome, a native error that is neither rounding nor the known bug.
        var probe = NativeConvolution.Probe();
        output.WriteLine($"{probe} [{NativeConvolution.Describe()}]");
        Assert.True(probe.HasBug || probe.IsRight, probe.ToString());
        var (input, _) = GradientErrors((x, w) => ExactConv2d.Apply(x, w, null, padding: 1), 32, 1, 3);
        Assert.True(input < ConvolutionProbe.RightBelow, $"ExactConv2d's input gradient error is {input:E1} where the native one is {probe.RelativeError:E1}");
    }
}
