// Classifier-free guidance: run the model with and without the condition, and push the prediction
// away from the unconditional one. w = 0 is the unconditional prediction, w = 1 the conditional
// one, w > 1 exaggerates what the condition changes (Ho & Salimans, 2022, eq. 6 with w here = 1 + w there).
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public static class Guidance
{
    /// <summary>uncond + w * (cond - uncond).</summary>
    public static Tensor Combine(Tensor unconditional, Tensor conditional, double w) => unconditional + w * (conditional - unconditional);

    /// <summary>
    /// One batched model call for both predictions: the batch is doubled, the first half gets the condition,
    /// the second half the "no condition" input; the two halves are then combined with weight w.
    /// </summary>
    public static Tensor Predict(Func<Tensor, Tensor, Tensor, Tensor> model, Tensor xt, Tensor t, Tensor condition, Tensor noCondition, double w)
    {
        Runtime.Check.GuidanceScale("guidance scale w", w);
        var both = model(cat([xt, xt]), cat([t, t]), cat([condition, noCondition]));   // (2B, ...)
        var halves = both.chunk(2);
        return Combine(halves[1], halves[0], w);
    }
}
