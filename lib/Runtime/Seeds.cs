// Reproducibility, two jobs kept apart: Seeds.Global seeds torch's global generator, which layer
// initialisation draws from (call it before building a model); Seeds.Generator makes an explicit
// random stream for batches, noise and sampling. Introduced in chapter 1.
using static TorchSharp.torch;

namespace Workbook.Runtime;

public static class Seeds
{
    /// <summary>
    /// Seeds torch's global random state: the initial weights of every model built after it.
    /// Same seed and same thread count give bit-identical results on the CPU.
    /// </summary>
    public static void Global(long seed) => manual_seed(seed);

    /// <summary>A random stream of its own, on <see cref="TorchRuntime.Device"/> like the tensors it will fill.</summary>
    public static Generator Generator(long seed) => new((ulong)seed, TorchRuntime.Device);
}
