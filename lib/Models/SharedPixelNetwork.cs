// One network for every generation step: it is told which pixel to predict (a one-hot position)
// and sees the image with that pixel and everything after it hidden. Trained on one random step per
// example. Chapter 4 compares it with per-pixel networks and with a causal PixelCNN.
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class SharedPixelNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Mlp mlp;
    readonly int height, width, levels;

    public SharedPixelNetwork(int height, int width, int levels, int hidden = 256, int hiddenLayers = 2) : base(nameof(SharedPixelNetwork))
    {
        Runtime.Check.InRange("levels", levels, 2, 256);
        (this.height, this.width, this.levels) = (height, width, levels);
        mlp = new Mlp(2 * height * width, hidden, levels, hiddenLayers);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>
    /// Greys (B, 1, H, W) and the pixel to predict for each image (B, int64) to logits (B, K).
    /// Pixels at and after the position are hidden (set to 0) here, so the network cannot cheat.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor position)
    {
        int p = height * width;
        var flat = x.flatten(1);                                                      // (B, P)
        var before = arange(p, device: x.device).unsqueeze(0).lt(position.unsqueeze(1)); // (B, P) true before the position
        var input = cat([flat * before, nn.functional.one_hot(position, p).to(flat.dtype)], 1); // (B, 2P)
        return mlp.call(input);                                                    // (B, K)
    }

    /// <summary>
    /// Logits for every pixel of every image, (B, K, H, W), by running the network once per position
    /// (all positions in one big batch). Used for the exact likelihood.
    /// </summary>
    public Tensor EveryPosition(Tensor x)
    {
        long b = x.shape[0];
        int p = height * width;
        var images = x.repeat_interleave(p, 0);                                       // (B*P, 1, H, W)
        var positions = arange(p, device: x.device).repeat(b);                        // (B*P)
        var logits = forward(images, positions).view(b, p, levels);                   // (B, P, K)
        return logits.transpose(1, 2).reshape(b, levels, height, width);              // (B, K, H, W)
    }
}
