// The IDX reader against hand-built files: good ones read back exactly, broken ones fail with
// DataFileException and a message that says what is wrong.
using System.IO.Compression;
using Workbook.Data;

namespace Workbook.Tests;

public class IdxFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("idx-tests").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static byte[] Idx(byte type, int[] shape, byte[] values)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)shape.Length };
        foreach (int d in shape) bytes.AddRange(BitConverter.GetBytes(d).Reverse()); // big-endian
        bytes.AddRange(values);
        return bytes.ToArray();
    }

    string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(folder, name);
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_shape_and_values_raw_and_gzipped(bool gzip)
    {
        var values = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var array = IdxFile.Read(Write(gzip ? "a.gz" : "a", Idx(0x08, [2, 3, 4], values), gzip));
        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(values, array.Values);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Path.Combine(folder, "nope.gz")));
        Assert.Contains("nope.gz", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("empty", [])));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Wrong_magic_number_is_reported()
    {
        var bytes = Idx(0x08, [1], [7]);
        bytes[0] = 0x1f;
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("magic", bytes)));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Truncated_data_is_reported_with_both_counts()
    {
        var bytes = Idx(0x08, [10, 28, 28], new byte[10 * 28 * 28]);
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("cut.gz", bytes[..^100], gzip: true)));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(7840.ToString("N0"), e.Message);   // "7,840" in English, "7.840" in German: the reader's own culture
    }

    [Fact]
    public void Extra_data_after_the_announced_shape_is_reported()
    {
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("long", Idx(0x08, [2], [1, 2, 3]))));
        Assert.Contains("more data", e.Message);
    }

    [Fact]
    public void A_header_that_claims_gigabytes_fails_without_allocating_them()
    {
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("huge", Idx(0x08, [100000, 10000, 10000], [1, 2, 3]))));
        Assert.Contains("corrupt header", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_reported_as_a_data_file_error()
    {
        var bytes = File.ReadAllBytes(Write("ok.gz", Idx(0x08, [100], new byte[100]), gzip: true));
        for (int i = 10; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        var e = Assert.Throws<DataFileException>(() => IdxFile.Read(Write("bad.gz", bytes)));
        Assert.Contains("bad.gz", e.Message);
    }

    [Fact]
    public void Random_truncations_and_byte_flips_only_ever_raise_DataFileException()
    {
        var good = File.ReadAllBytes(Write("good.gz", Idx(0x08, [20, 8, 8], Enumerable.Range(0, 1280).Select(i => (byte)(i * 7)).ToArray()), gzip: true));
        var random = new Random(1234);
        int failures = 0, cases = 0;
        for (; cases < 1000; cases++)   // a fixed count, not a time budget: the same cases on a slow machine
        {
            var bytes = good[..random.Next(0, good.Length + 1)];
            for (int flips = random.Next(0, 4); flips > 0 && bytes.Length > 0; flips--)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            string path = Write("fuzz.gz", bytes);
            try { IdxFile.Read(path); }
            catch (DataFileException) { failures++; }
        }
        Assert.True(failures > cases / 2, $"most damaged files must be rejected; {failures} of {cases} were");
    }
}
