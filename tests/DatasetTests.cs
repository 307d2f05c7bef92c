// The shipped datasets load with the documented shapes, ranges and splits; a broken file in a
// copy of data/ gives one clear DataFileException.
using Workbook.Data;
using Workbook.Runtime;

namespace Workbook.Tests;

[Collection("serial")]
public class DatasetTests
{
    [Fact]
    public void Mnist_test_split_has_ten_thousand_28x28_images_in_zero_one()
    {
        var mnist = Datasets.Load("mnist", Split.Test);
        Assert.Equal([10000L, 1, 28, 28], mnist.Images.shape);
        Assert.Equal([10000L], mnist.Labels.shape);
        Assert.Equal(0f, mnist.Images.min().item<float>());
        Assert.Equal(1f, mnist.Images.max().item<float>());
        // Every digit appears; MNIST's test set has 980 zeros (a published count).
        Assert.Equal(980, mnist.Labels.eq(0).sum().item<long>());
    }

    [Fact]
    public void Resizing_averages_areas_so_the_mean_ink_is_kept()
    {
        var full = Datasets.Load("mnist", Split.Test).Take(100);
        var small = Datasets.Load("mnist", Split.Test, size: 14).Take(100);
        Assert.Equal([100L, 1, 14, 14], small.Images.shape);
        // Area averaging of 2x2 blocks keeps the mean exactly (up to float rounding).
        Assert.Equal(full.Images.mean().item<float>(), small.Images.mean().item<float>(), 4);
    }

    [Fact]
    public void Digits_8x8_have_17_grey_levels_and_a_fixed_split()
    {
        var train = Datasets.Load("digits", Split.Train);
        var test = Datasets.Load("digits", Split.Test);
        Assert.Equal([1500L, 1, 8, 8], train.Images.shape);
        Assert.Equal(297, test.Count);
        var levels = train.Images.mul(16).round().unique().Item1;
        Assert.Equal(17, levels.shape[0]);
    }

    [Fact]
    public void Fashion_mnist_knows_its_class_names()
    {
        var fashion = Datasets.Load("fashion-mnist", Split.Test);
        Assert.Equal(10000, fashion.Count);
        Assert.Equal("sneaker", fashion.ClassNames[7]);
    }

    [Fact]
    public void Unknown_dataset_names_the_allowed_ones()
    {
        var e = Assert.Throws<HyperparameterException>(() => Datasets.Load("cifar"));
        Assert.Contains("mnist, fashion-mnist, digits", e.Message);
    }

    [Fact]
    public void A_truncated_shipped_file_gives_one_clear_message()
    {
        string copy = Directory.CreateTempSubdirectory("data-copy").FullName;
        try
        {
            string original = DataFolder.Locate();
            File.Copy(Path.Combine(original, "checksums.sha256"), Path.Combine(copy, "checksums.sha256"));
            Directory.CreateDirectory(Path.Combine(copy, "mnist"));
            foreach (string name in new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
                File.Copy(Path.Combine(original, "mnist", name), Path.Combine(copy, "mnist", name));
            string images = Path.Combine(copy, "mnist", "t10k-images-idx3-ubyte.gz");
            var bytes = File.ReadAllBytes(images);
            File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);

            Environment.SetEnvironmentVariable("WORKBOOK_DATA", copy);
            var e = Assert.Throws<DataFileException>(() => Datasets.Load("mnist", Split.Test));
            Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
            Assert.Contains("git checkout -- data", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBOOK_DATA", null);
            Directory.Delete(copy, recursive: true);
        }
    }
}
