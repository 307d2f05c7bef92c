// How much memory the workbook lets one piece of work take. Every training record estimates what its
// training needs in Validate and refuses more than the limit before any work (instead of a native
// allocator error minutes later); a shape is checked before a tensor of it is drawn (TorchSharp 0.107's
// rand does not report a failed allocation or a negative size: the process dies later, SIGSEGV).
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

    /// <summary>
    /// Memory to train a model of <paramref name="parameters"/> float32 weights with Adam (4 copies: weights, gradients
    /// and Adam's two averages) on batches whose every example keeps <paramref name="valuesPerExample"/> float32 values
    /// for the backward pass. Each record's Validate estimates its two numbers from its own sizes.
    /// </summary>
    public static double TrainingBytes(double parameters, double valuesPerExample, int batchSize) =>
        4.0 * (4 * parameters + valuesPerExample * batchSize);

    /// <summary>
    /// Refuses, before any work, a record whose training would need more than <see cref="LimitBytes"/>: the message says
    /// how much, the limit and which of the record's values to lower (<paramref name="lower"/>, e.g. "BatchSize = 65536, Channels = 256").
    /// </summary>
    public static void CheckTraining(string record, double parameters, double valuesPerExample, int batchSize, string lower)
    {
        double bytes = TrainingBytes(parameters, valuesPerExample, batchSize);
        if (bytes > LimitBytes)
            throw new HyperparameterException(
                $"{record}: training would need about {Size(bytes)} of memory ({Size(4.0 * valuesPerExample * batchSize)} for one batch's " +
                $"activations, {Size(16 * parameters)} for the weights and Adam's state), more than the workbook's limit of " +
                $"{Size(LimitBytes)} (MemoryBudget.LimitBytes). Lower one of {lower}.");
    }

    /// <summary>A byte count for people: "68.7 GB", "512 MB".</summary>
    public static string Size(double bytes) => bytes >= 1e9
        ? (bytes / 1e9).ToString(bytes >= 1e11 ? "0" : "0.#", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB";
}
