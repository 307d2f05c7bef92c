// Chapter 5's one network for every generation step and every order: it sees the visible pixels, a
// mask of which ones are visible and the fraction missing, and predicts a grey level for every pixel.
using TorchSharp;
using TorchSharp.Modules;
using Workbook.Autoregression;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Patches;

/// <summary>
/// Input: the visible pixels' levels as one-hot vectors (hidden pixels all zero), the visibility mask and the
/// fraction of pixels missing. Output: logits (B, Levels, H, W), a distribution over the grey levels of each
/// pixel given the visible ones. Hidden pixels' values are multiplied by zero before the first layer, so the
/// output cannot depend on them. A plain MLP: it sees the whole image at once and is fast on a CPU.
/// </summary>
public sealed class AnyOrderModel : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear fc1;
    readonly Linear fc2;
    readonly Linear fc3;

    public AnyOrderModelConfig Config { get; }
    int Pixels => Config.ImageSize * Config.ImageSize;

    public AnyOrderModel(AnyOrderModelConfig config) : base(nameof(AnyOrderModel))
    {
        Config = config.Validate();
        int pixels = config.ImageSize * config.ImageSize;
        fc1 = nn.Linear(pixels * (config.Levels + 1) + 1, config.Hidden);
        fc2 = nn.Linear(config.Hidden, config.Hidden);
        fc3 = nn.Linear(config.Hidden, pixels * config.Levels);
        RegisterComponents();
        this.to(TorchRuntime.Device);
    }

    /// <param name="levels">(B, 1, H, W) int64 level indices; values at hidden pixels are ignored</param>
    /// <param name="visible">(B, 1, H, W) bool, true where the pixel is known</param>
    /// <returns>logits (B, Levels, H, W)</returns>
    public override Tensor forward(Tensor levels, Tensor visible)
    {
        long b = levels.shape[0];
        int size = Config.ImageSize, l = Config.Levels;
        var shown = visible.to(float32);                                                  // (B, 1, H, W)
        var oneHot = nn.functional.one_hot(levels.squeeze(1).clamp(0, l - 1), l)          // (B, H, W, L)
                       .permute(0, 3, 1, 2).to(float32) * shown;                           // (B, L, H, W), zero where hidden
        var missing = 1 - shown.flatten(1).mean([1], keepdim: true);                       // (B, 1)
        var x = cat([oneHot.flatten(1), shown.flatten(1), missing], 1);                   // (B, Pixels*(L+1) + 1)
        x = nn.functional.relu(fc1.call(x));
        x = nn.functional.relu(fc2.call(x));
        return fc3.call(x).view(b, l, size, size);                                      // (B, L, H, W)
    }

    /// <summary>
    /// Training loss: cross-entropy of the true levels at the hidden pixels, averaged per image over its hidden
    /// pixels, then over the batch (images with nothing hidden count zero).
    /// </summary>
    public Tensor Loss(Tensor levels, Tensor visible)
    {
        var perPixel = nn.functional.cross_entropy(forward(levels, visible), levels.squeeze(1), reduction: nn.Reduction.None); // (B, H, W)
        var hidden = visible.squeeze(1).logical_not().to(float32);
        return (perPixel * hidden).sum([1, 2]).div(hidden.sum([1, 2]).clamp_min(1)).mean();
    }

    /// <summary>The model's expected grey value of every pixel, (B, 1, H, W) in [0, 1]: the blur a mean-predictor draws.</summary>
    public Tensor ExpectedImage(Tensor levels, Tensor visible)
    {
        var probabilities = nn.functional.softmax(forward(levels, visible), 1);                 // (B, L, H, W)
        var grey = linspace(0, 1, Config.Levels, device: probabilities.device).view(1, -1, 1, 1);
        return (probabilities * grey).sum([1], keepdim: true);
    }

    /// <summary>
    /// Generates in <paramref name="order"/> with the one pixel sampler of chapters 3-5: one network evaluation per
    /// step, each pixel of a step drawn from its own predicted distribution, independently of the others.
    /// The pixels the order gives (a negative step, <see cref="PixelOrders.Completion"/>) come from <paramref name="start"/>.
    /// </summary>
    public GeneratedSamples Generate(PixelOrder order, Generator generator, SamplingConfig? sampling = null,
        Action<int, Tensor>? onStep = null, Tensor? start = null)
    {
        eval();
        return PixelSampler.Generate((levels, visible, _) => call(levels, visible), order, Config.Levels,
            sampling ?? new SamplingConfig(), generator, onStep, start);
    }
}
