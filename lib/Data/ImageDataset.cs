// A labelled set of grey images as tensors, the form every chapter trains on. Chapter 1.
using static TorchSharp.torch;

namespace Workbook.Data;

/// <summary>
/// Images (N, 1, H, W) as float32 in [0, 1] (0 = background, 1 = full ink) and labels (N) as int64,
/// both on <see cref="Runtime.TorchRuntime.Device"/>.
/// </summary>
public sealed record ImageDataset(string Name, Tensor Images, Tensor Labels, IReadOnlyList<string> ClassNames)
{
    public long Count => Images.shape[0];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];

    /// <summary>The first <paramref name="n"/> examples (or all, if fewer).</summary>
    public ImageDataset Take(long n) => this with { Images = Images[..(int)Math.Min(n, Count)], Labels = Labels[..(int)Math.Min(n, Count)] };

    /// <summary>A random batch of <paramref name="size"/> examples: (images, labels).</summary>
    public (Tensor Images, Tensor Labels) RandomBatch(int size, Generator generator)
    {
        Runtime.Check.Positive(nameof(size), size);
        var index = randint(0, Count, [size], generator: generator, device: Images.device);
        return (Images.index_select(0, index), Labels.index_select(0, index));
    }

    /// <summary>Refuses data whose images are not <paramref name="imageSize"/> x <paramref name="imageSize"/>, the size a record asks for.</summary>
    public ImageDataset CheckSize(int imageSize)
    {
        if (Height != imageSize || Width != imageSize)
            throw new Runtime.HyperparameterException(
                $"ImageSize = {imageSize}: the data's images are {Height}x{Width}; the record asks for ImageSize = {imageSize}. " +
                $"Load them with Datasets.Load(\"{Name}\", split, size: {imageSize}), or set ImageSize = {Height}.");
        return this;
    }

    /// <summary>All examples of one class.</summary>
    public Tensor ImagesOf(int label) => Images[Labels.eq(label)];

    public override string ToString() => $"{Name}: {Count:N0} images of {Height}x{Width}, {ClassNames.Count} classes";
}
