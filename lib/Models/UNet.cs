// A small U-Net that denoises 14x14 (or any even-sized) grey images and is told the step t:
// two resolutions, residual blocks, GroupNorm, a sinusoidal time embedding added in every block.
// Sized for a laptop CPU. Chapter 7.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class UNet : nn.Module<Tensor, Tensor, Tensor>
{
    readonly int timeDim;
    readonly Sequential time_mlp;
    readonly ExactConv2d conv_in;
    readonly ResidualBlock down1;
    readonly ExactConv2d downsample;
    readonly ResidualBlock down2, mid, up2;
    readonly ExactConv2d upsample;
    readonly ResidualBlock up1;
    readonly GroupNorm norm_out;
    readonly ExactConv2d conv_out;

    /// <param name="channels">feature maps at full resolution; twice as many at half resolution</param>
    /// <param name="timeDim">length of the sinusoidal step embedding</param>
    public UNet(int channels = 32, int timeDim = 64, int imageChannels = 1) : base(nameof(UNet))
    {
        Runtime.Check.UNetChannels("channels", channels);
        Runtime.Check.TimeEmbedding("timeDim", timeDim);
        this.timeDim = timeDim;
        int c = channels, c2 = 2 * channels, e = 4 * channels;
        time_mlp = nn.Sequential(nn.Linear(timeDim, e), nn.SiLU(), nn.Linear(e, e));
        conv_in = new ExactConv2d(imageChannels, c, 3, padding: 1);
        down1 = new ResidualBlock(c, c, e);
        downsample = new ExactConv2d(c, c2, 3, stride: 2, padding: 1);
        down2 = new ResidualBlock(c2, c2, e);
        mid = new ResidualBlock(c2, c2, e);
        up2 = new ResidualBlock(2 * c2, c2, e);
        upsample = new ExactConv2d(c2, c, 3, padding: 1);
        up1 = new ResidualBlock(2 * c, c, e);
        norm_out = Norms.Group(c);
        conv_out = new ExactConv2d(c, imageChannels, 3, padding: 1);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>x: (B, C, H, W) noisy images; t: (B) step numbers. Returns (B, C, H, W).</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        long b = x.shape[0];
        if (InferenceSlices.Apply(b))                                                        // sampling: slices of 64 run faster
            return InferenceSlices.Join(b, (first, n) => forward(x.narrow(0, first, n), InferenceSlices.Rows(t, b, first, n)));
        var emb = time_mlp.call(TimeEmbedding.Sinusoidal(t, timeDim));                       // (B, 4c)
        var h1 = down1.call(conv_in.call(x), emb);                                        // (B, c, H, W)
        var h2 = down2.call(downsample.call(h1), emb);                                    // (B, 2c, H/2, W/2)
        var h = mid.call(h2, emb);
        h = up2.call(cat([h, h2], 1), emb);                                                  // (B, 2c, H/2, W/2)
        h = nn.functional.interpolate(h, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Nearest);
        h = up1.call(cat([upsample.call(h), h1], 1), emb);                               // (B, c, H, W)
        return conv_out.call(nn.functional.silu(norm_out.call(h)));                       // (B, C, H, W)
    }
}

/// <summary>GroupNorm, then SiLU, then a 3x3 convolution, twice; the step embedding is added in between; a skip connection around it all.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly GroupNorm norm1;
    readonly ExactConv2d conv1;
    readonly Linear time_proj;
    readonly GroupNorm norm2;
    readonly ExactConv2d conv2;
    readonly nn.Module<Tensor, Tensor> skip;

    public ResidualBlock(int inChannels, int outChannels, int embeddingDim) : base(nameof(ResidualBlock))
    {
        norm1 = Norms.Group(inChannels);
        conv1 = new ExactConv2d(inChannels, outChannels, 3, padding: 1);
        time_proj = nn.Linear(embeddingDim, outChannels);
        norm2 = Norms.Group(outChannels);
        conv2 = new ExactConv2d(outChannels, outChannels, 3, padding: 1);
        skip = inChannels == outChannels ? nn.Identity() : new ExactConv2d(inChannels, outChannels, 1);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        var h = conv1.call(nn.functional.silu(norm1.call(x)));
        h = h + time_proj.call(nn.functional.silu(emb)).unsqueeze(-1).unsqueeze(-1);   // (B, out, 1, 1) added everywhere
        h = conv2.call(nn.functional.silu(norm2.call(h)));
        return h + skip.call(x);
    }
}

public static class Norms
{
    /// <summary>
    /// GroupNorm with 8 groups, its scale set to 1 and shift to 0. TorchSharp 0.107 leaves both
    /// uninitialised (garbage, sometimes NaN), so they are set here, by hand.
    /// </summary>
    public static GroupNorm Group(int channels, int groups = 8)
    {
        var norm = nn.GroupNorm(Math.Min(groups, channels), channels);
        using (no_grad())
        {
            nn.init.ones_(norm.weight!);
            nn.init.zeros_(norm.bias!);
        }
        return norm;
    }
}
