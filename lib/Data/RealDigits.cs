// Real test images split into a reference set and held-out real images, the split every quality
// measurement of chapters 5 to 11 uses. Chapter 5.
using static TorchSharp.torch;

namespace Workbook.Data;

public static class RealDigits
{
    /// <summary>
    /// The test images (N, 1, H, W) in two interleaved halves, as chapter 5 introduced them: every second image is
    /// the reference samples are compared with; the others are real held-out digits, scored like samples to show
    /// the best a model could hope for. Interleaved, because MNIST's test set is ordered: its first and second
    /// halves come from different groups of writers, and real digits of one half score like a mediocre model
    /// against the other (Fréchet distance about 16 at 500 samples, against about 4 for interleaved halves).
    /// </summary>
    public static (Tensor Reference, Tensor HeldOut) Split(Tensor images)
    {
        long n = images.shape[0];
        return (images.index_select(0, arange(0, n, 2, device: images.device)), images.index_select(0, arange(1, n, 2, device: images.device)));
    }
}
