// A 2-D convolution with the same weights as nn.Conv2d, computed so that its gradients are right.
//
// TorchSharp 0.107 (libtorch 2.10, CPU, float32) returns wrong gradients with respect to the INPUT of a
// k x k convolution (k > 1) whose number of output channels is not a multiple of 16: relative errors of
// 20-95 %, sometimes NaN, on one thread and on several (measured here against float64; see
// tests/ConvolutionTests.cs). A U-Net's last layer (32 channels → 1 image channel) is such a convolution,
// so every gradient flowing back through it was wrong and training crawled. The forward pass and the
// weight gradients are fine.
//
// So: when the output channels are a multiple of 16, or the kernel is 1x1, this calls the native
// convolution. Otherwise it does the same arithmetic by hand: unfold cuts every k x k neighbourhood
// into a column, and one matrix multiply applies the kernel to all columns ("im2col"). Its gradient
// is that of a matrix multiply, which is right. The parameters are named and shaped exactly like
// nn.Conv2d's, so checkpoints do not depend on which path runs.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class ExactConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;   // (out, in, k, k)
    readonly Parameter? bias;    // (out)
    readonly int stride, padding;

    public ExactConv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool hasBias = true) : base(nameof(ExactConv2d))
    {
        Runtime.Check.Positive("inChannels", inChannels);
        Runtime.Check.Positive("outChannels", outChannels);
        Runtime.Check.Positive("kernelSize", kernelSize);
        var reference = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: hasBias);   // for its initialisation only
        weight = nn.Parameter(reference.weight!.detach().clone());
        bias = hasBias ? nn.Parameter(reference.bias!.detach().clone()) : null;
        (this.stride, this.padding) = (stride, padding);
        RegisterComponents();
    }

    public Tensor Weight => weight;

    public override Tensor forward(Tensor x) => Apply(x, weight, bias, stride, padding);

    /// <summary>
    /// conv2d(x, weight, bias) with square stride and padding, by the native kernel where its gradients are
    /// right and by unfold + matrix multiply elsewhere. Also used by <see cref="MaskedConv2d"/>.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        long outChannels = weight.shape[0], kernel = weight.shape[2];
        if (outChannels % 16 == 0 || kernel == 1)
            return nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        long batch = x.shape[0];
        long height = (x.shape[2] + 2 * padding - kernel) / stride + 1, width = (x.shape[3] + 2 * padding - kernel) / stride + 1;
        var columns = nn.functional.unfold(x, kernel, padding: padding, stride: stride);   // (B, in*k*k, height*width)
        var y = weight.view(outChannels, -1).matmul(columns);                              // (B, out, height*width)
        if (bias is not null) y = y + bias.view(1, outChannels, 1);
        return y.view(batch, outChannels, height, width);
    }
}
