// A convolution that only looks at pixels earlier in reading order: its kernel is multiplied by a
// fixed mask of zeros and ones. Mask A also hides the centre pixel (first layer: a pixel must not see
// itself); mask B lets it through (later layers: the centre already only holds earlier pixels). Chapter 4.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public enum MaskType { A, B }

public sealed class MaskedConv2d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly Tensor mask;   // (out, in, k, k): 1 where the kernel may look

    public MaskedConv2d(int inChannels, int outChannels, int kernelSize, MaskType type) : base(nameof(MaskedConv2d))
    {
        Runtime.Check.Positive("inChannels", inChannels);
        Runtime.Check.Positive("outChannels", outChannels);
        Runtime.Check.MaskedKernel("kernelSize", kernelSize);
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2);
        mask = Mask(kernelSize, type).expand(outChannels, inChannels, kernelSize, kernelSize).contiguous();
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>
    /// The k x k mask: rows above the centre 1; the centre row 1 left of the centre (and at the centre
    /// for type B); everything to the right and below 0.
    /// </summary>
    public static Tensor Mask(int kernelSize, MaskType type)
    {
        int c = kernelSize / 2;
        var values = new float[kernelSize * kernelSize];
        for (int row = 0; row < kernelSize; row++)
            for (int col = 0; col < kernelSize; col++)
                values[row * kernelSize + col] = row < c || (row == c && (col < c || (col == c && type == MaskType.B))) ? 1f : 0f;
        return tensor(values, [kernelSize, kernelSize], device: Runtime.TorchRuntime.Device);
    }

    /// <summary>The unmasked kernel (out, in, k, k); the mask is applied at every forward pass.</summary>
    public Tensor Weight => conv.weight!;

    public override Tensor forward(Tensor x)
        => ExactConv2d.Apply(x, conv.weight!.mul(mask), conv.bias, padding: (int)conv.padding![0]);   // see ExactConv2d: right gradients for any channel count
}
