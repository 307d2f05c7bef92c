// A small PixelCNN (van den Oord et al. 2016): masked convolutions only, so the logits at every
// pixel depend only on the pixels before it in reading order. One forward pass gives the predictions
// for every step of every image: training on all steps at once. Chapter 4.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class PixelCnn : nn.Module<Tensor, Tensor>
{
    readonly MaskedConv2d input;       // mask A: a pixel never sees itself
    readonly ModuleList<MaskedConv2d> hidden;   // mask B, each added to its input (residual)
    readonly Conv2d head1, head2;      // 1x1: per pixel, so still causal

    /// <param name="levels">K, the number of grey levels predicted per pixel</param>
    /// <param name="channels">feature maps per layer</param>
    /// <param name="layers">mask-B layers after the first</param>
    /// <param name="firstKernel">kernel size of the mask-A layer (odd)</param>
    public PixelCnn(int levels, int channels = 64, int layers = 5, int firstKernel = 7) : base(nameof(PixelCnn))
    {
        Runtime.Check.InRange("levels", levels, 2, 256);
        Runtime.Check.InRange("layers", layers, 0, 32);
        input = new MaskedConv2d(1, channels, firstKernel, MaskType.A);
        hidden = new ModuleList<MaskedConv2d>(Enumerable.Range(0, layers).Select(_ => new MaskedConv2d(channels, channels, 3, MaskType.B)).ToArray());
        head1 = nn.Conv2d(channels, channels, 1);
        head2 = nn.Conv2d(channels, levels, 1);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>Greys (B, 1, H, W) in [0, 1] to logits (B, K, H, W); the logits at pixel i see only pixels before i.</summary>
    public override Tensor forward(Tensor x)
    {
        var h = nn.functional.relu(input.call(x.sub(0.5)));   // (B, C, H, W)
        foreach (var layer in hidden)
            h = h + nn.functional.relu(layer.call(h));
        return head2.call(nn.functional.relu(head1.call(h)));   // (B, K, H, W)
    }
}
