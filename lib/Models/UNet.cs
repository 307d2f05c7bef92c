// A small U-Net that denoises 14x14 (or any even-sized) grey images and is told the step t:
// two resolutions, residual blocks, GroupNorm, a sinusoidal time embedding added in every block.
// Sized for a laptop CPU. Chapter 7. Chapters 9-10 give it one more input, a condition: a vector (a
// prompt's text embedding) is added to the step embedding, a small picture (a sketch) becomes extra
// input channels, and a learned "no condition" stands in when the condition is dropped.
using TorchSharp;
using TorchSharp.Modules;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class UNet : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly int timeDim;
    readonly long[]? conditionShape;      // null: no condition (chapter 7)
    readonly Sequential time_mlp;
    readonly Sequential? condition_mlp;   // vector conditions only
    readonly Parameter? null_condition;   // the learned "no condition", shaped like one condition
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
    /// <param name="conditionShape">null: no condition; [D]: a vector added to the step embedding;
    /// [C, h, w]: a picture resized to the image and stacked onto it as C more input channels</param>
    public UNet(int channels = 32, int timeDim = 64, int imageChannels = 1, long[]? conditionShape = null) : base(nameof(UNet))
    {
        Check.UNetChannels("channels", channels);
        Check.TimeEmbedding("timeDim", timeDim);
        if (conditionShape is not null && (conditionShape.Length is not (1 or 3) || conditionShape.Any(n => n < 1)))
            throw new HyperparameterException($"conditionShape = [{string.Join(", ", conditionShape)}]: give [D] for a vector condition or [C, h, w] for a picture, all at least 1.");
        this.timeDim = timeDim;
        this.conditionShape = conditionShape?.ToArray();
        int c = channels, c2 = 2 * channels, e = 4 * channels;
        int extraChannels = IsSpatial ? (int)conditionShape![0] : 0;
        time_mlp = nn.Sequential(nn.Linear(timeDim, e), nn.SiLU(), nn.Linear(e, e));
        if (conditionShape is { Length: 1 }) condition_mlp = nn.Sequential(nn.Linear(conditionShape[0], e), nn.SiLU(), nn.Linear(e, e));
        if (conditionShape is not null) null_condition = nn.Parameter(zeros(conditionShape, device: CPU));   // moved below with the layers
        conv_in = new ExactConv2d(imageChannels + extraChannels, c, 3, padding: 1);
        down1 = new ResidualBlock(c, c, e);
        downsample = new ExactConv2d(c, c2, 3, stride: 2, padding: 1);
        down2 = new ResidualBlock(c2, c2, e);
        mid = new ResidualBlock(c2, c2, e);
        up2 = new ResidualBlock(2 * c2, c2, e);
        upsample = new ExactConv2d(c2, c, 3, padding: 1);
        up1 = new ResidualBlock(2 * c, c, e);
        norm_out = Norms.Group(c);
        conv_out = new ExactConv2d(c, imageChannels, 3, padding: 1);
        RegisterComponents();   // a missing condition layer is no parameter: an unconditional U-Net's names are chapter 7's
        this.to(TorchRuntime.Device);
    }

    /// <summary>True when the U-Net takes a condition.</summary>
    public bool IsConditional => conditionShape is not null;

    /// <summary>True when the condition is a picture (C, h, w) fed as extra input channels; false for a vector (D) or none.</summary>
    public bool IsSpatial => conditionShape is { Length: 3 };

    /// <summary>The shape of one condition: [D] for a vector, [C, h, w] for a sketch, empty for none.</summary>
    public IReadOnlyList<long> ConditionShape => conditionShape ?? [];

    /// <summary>x: (B, C, H, W) noisy images; t: (B) step numbers. Returns (B, C, H, W). For a U-Net without a condition.</summary>
    public Tensor forward(Tensor x, Tensor t) => forward(x, t, null!);

    /// <summary>The same through call(), so that forward hooks (the FLOP counter) see it.</summary>
    public Tensor call(Tensor x, Tensor t) => call(x, t, null!);

    /// <summary>
    /// x: (B, C, H, W) noisy images; t: (B) step numbers; condition: (B, D) vectors or (B, C', h, w) pictures
    /// (<see cref="NullCondition"/> for "no condition"), or null for a U-Net without one. Returns (B, C, H, W).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor condition)
    {
        CheckCondition(condition, x.shape[0]);
        var emb = time_mlp.call(TimeEmbedding.Sinusoidal(t, timeDim));                       // (B, 4c)
        if (condition_mlp is not null)
            emb = emb + condition_mlp.call(condition);                                       // the condition joins the step
        else if (IsSpatial)
            x = cat([x, nn.functional.interpolate(condition, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Nearest)], 1);   // (B, C + C', H, W)
        var h1 = down1.call(conv_in.call(x), emb);                                        // (B, c, H, W)
        var h2 = down2.call(downsample.call(h1), emb);                                    // (B, 2c, H/2, W/2)
        var h = mid.call(h2, emb);
        h = up2.call(cat([h, h2], 1), emb);                                                  // (B, 2c, H/2, W/2)
        h = nn.functional.interpolate(h, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Nearest);
        h = up1.call(cat([upsample.call(h), h1], 1), emb);                               // (B, c, H, W)
        return conv_out.call(nn.functional.silu(norm_out.call(h)));                       // (B, C, H, W)
    }

    /// <summary>
    /// Sampling's entry point: <see cref="forward(Tensor, Tensor, Tensor)"/> without gradients, a big batch cut into
    /// slices of 64 (<see cref="InferenceSlices"/>: the same numbers, several times sooner on a CPU).
    /// </summary>
    public Tensor Predict(Tensor x, Tensor t, Tensor condition)
    {
        using var noGrad = no_grad();
        CheckCondition(condition, x.shape[0]);
        long b = x.shape[0];
        if (!InferenceSlices.Apply(b)) return forward(x, t, condition);
        return InferenceSlices.Join(b, (first, n) =>
            forward(x.narrow(0, first, n), InferenceSlices.Rows(t, b, first, n), condition?.narrow(0, first, n)!));
    }

    /// <summary>Sampling's entry point for a U-Net without a condition (see the overload above).</summary>
    public Tensor Predict(Tensor x, Tensor t) => Predict(x, t, null!);

    /// <summary>The learned "no condition", repeated for a batch: (B, D) or (B, C', h, w).</summary>
    public Tensor NullCondition(long batch) => null_condition is null
        ? throw new InvalidOperationException("this U-Net takes no condition, so it has no \"no condition\" either.")
        : null_condition.unsqueeze(0).expand([batch, .. conditionShape!]);

    /// <summary>
    /// Classifier-free guidance training: each example's condition is replaced by the null condition with
    /// probability <paramref name="p"/>. Returns what the network will actually see.
    /// </summary>
    public Tensor DropCondition(Tensor condition, double p, Generator generator)
    {
        Check.InRange("condition drop probability p", p, 0.0, 1.0);
        if (condition is null || condition.dim() == 0) throw new ArgumentException("condition: give one condition per image, shape (B, ...); got none or a single number.");
        long batch = condition.shape[0];
        CheckCondition(condition, batch);
        MemoryBudget.CheckShape("UNet.DropCondition", batch);   // before rand, which does not report a bad size
        var dropped = rand([batch], generator: generator, device: condition.device).lt(p);   // (B) true = no condition
        var mask = dropped.view([batch, .. Enumerable.Repeat(1L, conditionShape!.Length)]);   // (B, 1, ...) to broadcast
        return where(mask, NullCondition(batch), condition);
    }

    void CheckCondition(Tensor? condition, long batch)
    {
        if (conditionShape is null)
        {
            if (condition is not null) throw new ArgumentException("this U-Net takes no condition (it was built without conditionShape); call forward(x, t).");
            return;
        }
        bool fits = condition is not null && condition.dim() == conditionShape.Length + 1 && condition.shape[0] == batch && condition.shape.Skip(1).SequenceEqual(conditionShape);
        if (!fits)
            throw new ArgumentException($"the condition has shape ({(condition is null ? "none" : string.Join(", ", condition.shape))}); this U-Net expects ({batch}, {string.Join(", ", conditionShape)}).");
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
