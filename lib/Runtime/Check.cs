// The checks every config record, model and sampler uses to refuse a bad value before any work: one
// HyperparameterException whose message names the value, says why it is wrong and what is allowed.
// Also Agrees, for notebook cells that compare an inline computation with the library. Chapter 1.
namespace Workbook.Runtime;

public static class Check
{
    public static void Positive(string name, int value)
    {
        if (value <= 0) throw new HyperparameterException($"{name} = {value}: it counts something, so it must be at least 1.");
    }

    public static void InRange(string name, int value, int min, int max)
    {
        if (value < min || value > max) throw new HyperparameterException($"{name} = {value} is out of range: allowed {min} to {max}.");
    }

    public static void InRange(string name, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw new HyperparameterException($"{name} = {value} is out of range: allowed {min} to {max}.");
    }

    public static void LearningRate(string name, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value <= 0 || value > 1)
            throw new HyperparameterException($"{name} = {value}: a learning rate must be a number above 0 and at most 1 (typical: 1e-4 to 1e-2).");
    }

    /// <summary>The three settings every training record has: steps (1 to 1,000,000), batch size (1 to 65,536), learning rate.</summary>
    public static void Training(int steps, int batchSize, double learningRate, string stepsName = "Steps")
    {
        InRange(stepsName, steps, 1, 1_000_000);
        InRange("BatchSize", batchSize, 1, 65_536);
        LearningRate("LearningRate", learningRate);
    }

    /// <summary>The decay of a moving average of the weights: 0 (off) or below 1 (0.999 is typical).</summary>
    public static void AverageDecay(double value)
    {
        if (double.IsNaN(value) || value < 0 || value >= 1)
            throw new HyperparameterException($"AverageDecay = {value}: the share of the old average kept at each step must be at least 0 (no averaging) and below 1; 0.999 is typical.");
    }

    public static void OneOf(string name, string value, IReadOnlyCollection<string> allowed)
    {
        if (!allowed.Contains(value))
            throw new HyperparameterException($"{name} = '{value}' is not known. Allowed: {string.Join(", ", allowed)}.");
    }

    /// <summary>
    /// For a notebook cell that computes something inline and with the library: returns the line to show,
    /// or throws when the two differ by more than <paramref name="tolerance"/>, so the notebook tests notice
    /// when the inline code and the library drift apart.
    /// </summary>
    public static string Agrees(string what, double difference, double tolerance)
    {
        if (!(Math.Abs(difference) <= tolerance))
            throw new InvalidOperationException($"{what}: the inline computation and the library differ by {difference:G3}, more than the tolerance {tolerance:G2}. One of them changed; make them agree again.");
        return $"{what}: largest difference {difference:G2} (tolerance {tolerance:G2})";
    }

    // The rules the networks and the records that build them share, each written once.

    /// <summary>U-Net feature maps: 8 to 256, a multiple of 8 (GroupNorm uses 8 groups).</summary>
    public static void UNetChannels(string name, int channels)
    {
        InRange(name, channels, 8, 256);
        if (channels % 8 != 0) throw new HyperparameterException($"{name} = {channels}: must be a multiple of 8 (GroupNorm uses 8 groups).");
    }

    /// <summary>Length of the sinusoidal step embedding: 2 to 1024 and even (half sines, half cosines).</summary>
    public static void TimeEmbedding(string name, int length)
    {
        InRange(name, length, 2, 1024);
        if (length % 2 != 0) throw new HyperparameterException($"{name} = {length}: half sines, half cosines, so it must be even.");
    }

    /// <summary>The kernel of a masked convolution: odd (it needs a centre pixel), 1 to 15.</summary>
    public static void MaskedKernel(string name, int size)
    {
        if (size < 1 || size > 15 || size % 2 == 0)
            throw new HyperparameterException($"{name} = {size}: a masked convolution needs an odd kernel size with a centre pixel; allowed 1, 3, 5, ... 15.");
    }

    /// <summary>The guidance scale w of classifier-free guidance: 0 to 20.</summary>
    public static void GuidanceScale(string name, double w)
    {
        if (double.IsNaN(w) || w < 0 || w > 20)
            throw new HyperparameterException($"{name} = {w}: the guidance scale w must lie between 0 (ignore the prompt) and 20; 1 follows the prompt plainly, 2 to 8 is typical.");
    }
}
