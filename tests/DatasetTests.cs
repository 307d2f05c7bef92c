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

    /// <summary>Loads the digits from a data folder whose digits.csv.gz decompresses to <paramref name="megabytes"/> MB of one byte.</summary>
    static DataFileException LoadDigitsBomb(byte fill, int megabytes, out long allocated)
    {
        string copy = Directory.CreateTempSubdirectory("data-bomb").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(copy, "digits"));
            using (var file = File.Create(Path.Combine(copy, "digits", "digits.csv.gz")))
            using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
            {
                var block = Enumerable.Repeat(fill, 1 << 20).ToArray();
                for (int i = 0; i < megabytes; i++) gzip.Write(block);
            }
            Environment.SetEnvironmentVariable("WORKBOOK_DATA", copy);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<DataFileException>(() => Datasets.Load("digits", Split.Train));
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return e;
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBOOK_DATA", null);
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_digits_file_that_decompresses_to_one_huge_line_is_refused_without_reading_it_all()
    {
        var e = LoadDigitsBomb((byte)'0', megabytes: 100, out long allocated);
        Assert.Contains("digits.csv.gz: line 1 is longer than 1,000 characters", e.Message);
        Assert.True(allocated < 50_000_000, $"reading the bomb allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_digits_file_that_decompresses_to_millions_of_empty_lines_is_refused()
    {
        var e = LoadDigitsBomb((byte)'\n', megabytes: 20, out _);
        Assert.Contains("more than 16,000,000 characters", e.Message);
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
