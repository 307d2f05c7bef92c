// How the autoregressive sampler turns a predicted distribution into a pixel: take the most likely
// level (greedy) or draw one at random, sharpened or flattened by a temperature. Chapter 3.
using Workbook.Runtime;

namespace Workbook.Autoregression;

public sealed record SamplingConfig(
    bool Greedy = false,        // true: always the most likely level (same image every run); false: draw at random
    double Temperature = 1.0)   // divides the logits before the draw: below 1 sharper, above 1 flatter (ignored when greedy)
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public SamplingConfig Validate()
    {
        if (!(Temperature >= 0.05 && Temperature <= 10))
            throw new HyperparameterException($"Temperature = {Temperature}: it divides the logits, so it must be above 0; allowed 0.05 to 10 (1 = the model's own distribution). For no randomness at all use Greedy = true.");
        return this;
    }
}
