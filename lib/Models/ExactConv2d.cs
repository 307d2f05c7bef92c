// A 2-D convolution with the same weights as nn.Conv2d, computed so that its gradients are right.
//
// TorchSharp 0.107 (libtorch 2.10, CPU, float32) returned wrong gradients with respect to the INPUT of a
// k x k convolution (k > 1) whose number of output channels is not a multiple of 16: relative errors of
// 20-95 %, sometimes NaN, on one thread and on several (measured against float64; see
// tests/ExactConv2dTests.cs). It depends on the CPU: oneDNN, libtorch's CPU kernels, picks its code by
// instruction set, and the bug showed on one machine but not on AVX2-only or SSE4.1 kernels
// (Runtime/NativeConvolution.cs measures it on yours). A U-Net's last layer (32 channels → 1 image
// channel) is such a convolution, so where the bug shows every gradient flowing back through it is wrong.
// The forward pass and the weight gradients are fine.
//
// The same native convolution is right when the output channels are a multiple of 16. So this
// module pads the kernel with zero filters up to the next multiple of 16, convolves natively and
// keeps the real channels: the extra outputs are zeros nobody looks at, and the gradients flowing
// back are right on every machine. It pads everywhere, bug or not, so that the same seed gives the same
// numbers on every CPU kind. (1x1 kernels are not affected and run unpadded.) The parameters are named
// and shaped exactly like nn.Conv2d's, so checkpoints do not depend on the workaround.
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
        this.to(Runtime.TorchRuntime.Device);
    }

    public Tensor Weight => weight;

    public override Tensor forward(Tensor x) => Apply(x, weight, bias, stride, padding);

    /// <summary>
    /// conv2d(x, weight, bias) with square stride and padding, with the kernel padded by zero filters to a
    /// multiple of 16 output channels where the native gradients would otherwise be wrong. Also used by
    /// <see cref="MaskedConv2d"/>.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0)
    {
        long outChannels = weight.shape[0], kernel = weight.shape[2];
        long missing = outChannels % 16 == 0 || kernel == 1 ? 0 : 16 - outChannels % 16;
        if (missing > 0)
        {
            weight = cat([weight, zeros([missing, weight.shape[1], kernel, kernel], weight.dtype, weight.device)]);   // (out + missing, in, k, k)
            if (bias is not null) bias = cat([bias, zeros([missing], bias.dtype, bias.device)]);
        }
        var y = nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        return missing > 0 ? y[.., ..(int)outChannels] : y;                                                        // the real channels
    }
}
