// Reproducibility: one call seeds torch's global generator (used by layer initialisation) and
// returns an explicit generator for the sampling code to use. Introduced in chapter 1.
using static TorchSharp.torch;

namespace Workbook.Runtime;

public static class Seeds
{
    /// <summary>
    /// Seeds torch's global random state and returns a fresh generator seeded the same way.
    /// Same seed and same thread count give bit-identical results on the CPU.
    /// </summary>
    public static Generator Set(long seed)
    {
        manual_seed(seed);
        return Generator(seed);
    }

    /// <summary>A random stream of its own, on <see cref="TorchRuntime.Device"/> like the tensors it will fill.</summary>
    public static Generator Generator(long seed) => new((ulong)seed, TorchRuntime.Device);
}
