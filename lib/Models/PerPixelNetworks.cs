// One small network per pixel position, as in the lecture: network p sees only the pixels before p in
// reading order and predicts a distribution over K levels for pixel p. The P networks have separate
// weights; they are stored stacked so that one batched matrix product (bmm) runs all of them. Chapter 3.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class PerPixelNetworks : nn.Module<Tensor, Tensor>
{
    readonly Parameter w1, b1, w2, b2;   // network p's weights are w1[p], b1[p], w2[p], b2[p]
    readonly Tensor visible;             // (P, P): visible[p, d] = 1 when pixel d comes before pixel p
    readonly int height, width, levels;

    /// <param name="hidden">hidden units of each network (one hidden layer)</param>
    public PerPixelNetworks(int height, int width, int levels, int hidden = 64) : base(nameof(PerPixelNetworks))
    {
        Runtime.Check.InRange("levels", levels, 2, 256);
        Runtime.Check.Positive("hidden", hidden);
        Runtime.Check.Positive("height", height);
        Runtime.Check.Positive("width", width);
        Runtime.MemoryBudget.CheckShape($"PerPixelNetworks({height}x{width}, hidden {hidden}): the first layer's weights", (long)height * width, (long)height * width, hidden);
        (this.height, this.width, this.levels) = (height, width, levels);
        int p = height * width;
        // Uniform in +-1/sqrt(fan in), like nn.Linear; drawn on the CPU from torch's global generator (Seeds.Global),
        // like every layer's initial weights, then moved to the chosen device with the rest of the model.
        Parameter Init(long[] shape, int fanIn) => nn.Parameter(rand(shape, device: CPU).mul(2).sub(1).div(Math.Sqrt(fanIn)));
        w1 = Init([p, p, hidden], p);
        b1 = Init([p, 1, hidden], p);
        w2 = Init([p, hidden, levels], hidden);
        b2 = Init([p, 1, levels], hidden);
        visible = ones(p, p, device: CPU).tril(-1);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    public int Positions => height * width;

    /// <summary>Greys (B, 1, H, W) to logits (B, K, H, W): every network applied to its own view of each image.</summary>
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0];
        var seen = x.flatten(1).unsqueeze(0) * visible.unsqueeze(1);            // (P, B, P): network p's input
        var h = nn.functional.relu(bmm(seen, w1) + b1);                         // (P, B, hidden)
        var logits = bmm(h, w2) + b2;                                           // (P, B, K)
        return logits.permute(1, 2, 0).reshape(b, levels, height, width);       // (B, K, H, W)
    }

    /// <summary>Runs only network <paramref name="position"/>: greys (B, 1, H, W) to logits (B, K).</summary>
    public Tensor ForwardAt(Tensor x, int position)
    {
        var seen = x.flatten(1) * visible[position];                            // (B, P)
        var h = nn.functional.relu(seen.matmul(w1[position]) + b1[position]);   // (B, hidden)
        return h.matmul(w2[position]) + b2[position];                           // (B, K)
    }
}
