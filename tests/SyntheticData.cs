// A small labelled dataset of random 8x8 "images" for tests that need to train something quickly.
using Workbook.Data;
using Workbook.Runtime;

namespace Workbook.Tests;

static class SyntheticData
{
    /// <summary><paramref name="count"/> random 8x8 images in [0, 1] with random labels 0-9, drawn from <paramref name="seed"/>.</summary>
    public static ImageDataset Digits(int count, int seed)
    {
        Seeds.Global(seed);
        var g = Seeds.Generator(seed);
        return new ImageDataset("synthetic", rand([count, 1, 8, 8], generator: g), randint(0, 10, [count], generator: g), [.. Enumerable.Range(0, 10).Select(i => i.ToString())]);
    }
}
