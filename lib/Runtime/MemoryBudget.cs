// How much memory the workbook lets one piece of work take: a shape is checked before a tensor of it
// is drawn (TorchSharp 0.107's rand does not report a failed allocation or a negative size: the
// process dies later, SIGSEGV), so a bad size ends in one clear exception instead of a dead kernel.
using System.Globalization;

namespace Workbook.Runtime;

public static class MemoryBudget
{
    /// <summary>8 GB: the most one tensor, or one record's training, may take. A laptop can give a notebook that much.</summary>
    public const long LimitBytes = 8_000_000_000;

    /// <summary>
    /// Checks a shape before a float32 tensor of it is made: every size at least 0 and at most
    /// <see cref="LimitBytes"/> in all. <paramref name="what"/> names the caller, e.g. "PixelLevels.Binarize".
    /// </summary>
    public static void CheckShape(string what, params long[] shape)
    {
        string dims = string.Join(", ", shape);
        if (shape.Any(n => n < 0))
            throw new ArgumentException($"{what}: the shape ({dims}) has a negative size; every size must be at least 0.");
        double values = shape.Aggregate(1.0, (product, n) => product * n);
        if (values * 4 > LimitBytes)
            throw new ArgumentException(
                $"{what}: a tensor of shape ({dims}) holds {values:N0} values, {Size(values * 4)} of memory, more than the " +
                $"{Size(LimitBytes)} one tensor may take here (MemoryBudget.LimitBytes). Use a smaller batch or image.");
    }

    /// <summary>A byte count for people: "68.7 GB", "512 MB".</summary>
    public static string Size(double bytes) => bytes >= 1e9
        ? (bytes / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB";
}
