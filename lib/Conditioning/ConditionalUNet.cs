// The chapter 7 U-Net with one more input, the condition: a vector (a prompt's text embedding, a
// class embedding) is added to the step embedding; a small picture (a sketch) becomes extra input
// channels. A learned "no condition" value stands in when the condition is dropped. Chapters 09-10.
// Its layers repeat UNet's on purpose: the shipped text model's parameter names (unet.conv_in, ...)
// are these fields' names, so sharing them through a base class or a submodule would rename them.
using TorchSharp;
using TorchSharp.Modules;
using Workbook.Models;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public sealed class ConditionalUNet : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly int timeDim;
    readonly long[] conditionShape;
    readonly Sequential time_mlp;
    readonly Sequential? condition_mlp;   // vector conditions only
    readonly Parameter null_condition;    // the learned "no condition", shaped like one condition
    readonly ExactConv2d conv_in;
    readonly ResidualBlock down1;
    readonly ExactConv2d downsample;
    readonly ResidualBlock down2, mid, up2;
    readonly ExactConv2d upsample;
    readonly ResidualBlock up1;
    readonly GroupNorm norm_out;
    readonly ExactConv2d conv_out;

    /// <summary>True when the condition is a picture (C, h, w) fed as extra input channels; false for a vector (D).</summary>
    public bool IsSpatial => conditionShape.Length == 3;

    /// <summary>The shape of one condition: [D] for a vector, [C, h, w] for a sketch.</summary>
    public IReadOnlyList<long> ConditionShape => conditionShape;

    /// <param name="conditionShape">[D]: a vector added to the step embedding; [C, h, w]: a picture resized to the image and stacked onto it as C channels</param>
    /// <param name="channels">feature maps at full resolution; twice as many at half resolution (as in <see cref="UNet"/>)</param>
    /// <param name="timeDim">length of the sinusoidal step embedding</param>
    public ConditionalUNet(long[] conditionShape, int channels = 32, int timeDim = 64, int imageChannels = 1) : base(nameof(ConditionalUNet))
    {
        if (conditionShape.Length is not (1 or 3) || conditionShape.Any(n => n < 1))
            throw new HyperparameterException($"conditionShape = [{string.Join(", ", conditionShape)}]: give [D] for a vector condition or [C, h, w] for a picture, all at least 1.");
        Check.UNetChannels(nameof(channels), channels);
        Check.TimeEmbedding(nameof(timeDim), timeDim);
        this.timeDim = timeDim;
        this.conditionShape = conditionShape.ToArray();
        int c = channels, c2 = 2 * channels, e = 4 * channels;
        int extraChannels = IsSpatial ? (int)conditionShape[0] : 0;
        time_mlp = nn.Sequential(nn.Linear(timeDim, e), nn.SiLU(), nn.Linear(e, e));
        if (!IsSpatial) condition_mlp = nn.Sequential(nn.Linear(conditionShape[0], e), nn.SiLU(), nn.Linear(e, e));
        null_condition = nn.Parameter(zeros(conditionShape, device: CPU));   // built on the CPU like the layers, moved below
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
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>
    /// x: (B, C, H, W) noisy images; t: (B) step numbers; condition: (B, D) vectors or (B, C', h, w) pictures
    /// (use <see cref="NullCondition"/> for "no condition"). Returns (B, C, H, W), the same kind of output as <see cref="UNet"/>.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor condition)
    {
        CheckCondition(condition, x.shape[0]);
        long b = x.shape[0];
        if (InferenceSlices.Apply(b))                                                        // sampling: slices of 64 run faster
            return InferenceSlices.Join(b, (first, n) => forward(x.narrow(0, first, n), InferenceSlices.Rows(t, b, first, n), condition.narrow(0, first, n)));
        var emb = time_mlp.call(TimeEmbedding.Sinusoidal(t, timeDim));                        // (B, 4c)
        if (condition_mlp is not null)
            emb = emb + condition_mlp.call(condition);                                        // the condition joins the step
        else
            x = cat([x, nn.functional.interpolate(condition, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Nearest)], 1);   // (B, C + C', H, W)
        var h1 = down1.call(conv_in.call(x), emb);                                         // (B, c, H, W)
        var h2 = down2.call(downsample.call(h1), emb);                                     // (B, 2c, H/2, W/2)
        var h = mid.call(h2, emb);
        h = up2.call(cat([h, h2], 1), emb);                                                   // (B, 2c, H/2, W/2)
        h = nn.functional.interpolate(h, size: [x.shape[2], x.shape[3]], mode: InterpolationMode.Nearest);
        h = up1.call(cat([upsample.call(h), h1], 1), emb);                                // (B, c, H, W)
        return conv_out.call(nn.functional.silu(norm_out.call(h)));                        // (B, C, H, W)
    }

    /// <summary>The learned "no condition", repeated for a batch: (B, D) or (B, C', h, w).</summary>
    public Tensor NullCondition(long batch) => null_condition.unsqueeze(0).expand([batch, .. conditionShape]);

    /// <summary>
    /// Classifier-free guidance training: each example's condition is replaced by the null condition with
    /// probability <paramref name="p"/>. Returns what the network will actually see.
    /// </summary>
    public Tensor DropCondition(Tensor condition, double p, Generator generator)
    {
        Check.InRange("condition drop probability p", p, 0.0, 1.0);
        if (condition.dim() == 0) throw new ArgumentException("condition: give one condition per image, shape (B, ...); got a single number.");
        long batch = condition.shape[0];
        CheckCondition(condition, batch);
        MemoryBudget.CheckShape("ConditionalUNet.DropCondition", batch);   // before rand, which does not report a bad size
        var dropped = rand([batch], generator: generator, device: condition.device).lt(p);   // (B) true = no condition
        var mask = dropped.view([batch, .. Enumerable.Repeat(1L, conditionShape.Length)]);   // (B, 1, ...) to broadcast
        return where(mask, NullCondition(batch), condition);
    }

    void CheckCondition(Tensor condition, long batch)
    {
        bool fits = condition.dim() == conditionShape.Length + 1 && condition.shape[0] == batch && condition.shape.Skip(1).SequenceEqual(conditionShape);
        if (!fits)
            throw new ArgumentException($"the condition has shape ({string.Join(", ", condition.shape)}); this model expects ({batch}, {string.Join(", ", conditionShape)}).");
    }
}
