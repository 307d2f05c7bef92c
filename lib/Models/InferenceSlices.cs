// Inference in slices. On a CPU a U-Net run on a few hundred images at once is several times slower
// per image than on a few dozen (measured on the 2-core machine, 14x14 U-Net: 0.28-0.35 ms per image
// in batches of 64, 1.1-1.5 ms in batches of 500): each intermediate tensor is then megabytes, too big
// for the processor's caches and allocated afresh at every step. Without gradients the images of a
// batch are independent, so UNet.Predict (sampling's entry point; forward stays the plain maths) cuts
// a big batch into slices and joins the results: the same numbers, several times sooner. Each slice's
// intermediates are freed before the next slice runs, so it reuses the same memory (without that,
// slicing gained only about half as much).
using static TorchSharp.torch;

namespace Workbook.Models;

public static class InferenceSlices
{
    /// <summary>Images per slice.</summary>
    public const int Size = 64;

    /// <summary>True when a batch should be cut: it is bigger than a slice.</summary>
    public static bool Apply(long batch) => batch > Size;

    /// <summary>Runs <paramref name="run"/>(first, count) on consecutive slices of a batch and joins the outputs along dimension 0.</summary>
    public static Tensor Join(long batch, Func<long, long, Tensor> run)
    {
        var parts = new List<Tensor>();
        for (long first = 0; first < batch; first += Size)
        {
            using var scope = NewDisposeScope();                    // a slice's intermediate tensors go as soon as it is done
            parts.Add(run(first, Math.Min(Size, batch - first)).MoveToOuterDisposeScope());
        }
        return cat(parts, 0);
    }

    /// <summary>Rows first..first+count of a per-image tensor; a tensor shared by the whole batch (one row) as it is.</summary>
    public static Tensor Rows(Tensor perImage, long batch, long first, long count) =>
        perImage.dim() > 0 && perImage.shape[0] == batch ? perImage.narrow(0, first, count) : perImage;
}
