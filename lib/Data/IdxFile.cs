// The IDX format used by MNIST and Fashion-MNIST: a big-endian header (magic number, then one
// int32 per dimension) followed by unsigned bytes. Read raw or gzip-compressed. Chapter 1.
using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbook.Data;

/// <summary>An n-dimensional array of bytes as stored in an IDX file, e.g. shape (60000, 28, 28).</summary>
public sealed record IdxArray(int[] Shape, byte[] Values);

public static class IdxFile
{
    /// <summary>Largest array the reader accepts, so a lying header cannot ask for gigabytes.</summary>
    public const long MaxValues = 1L << 28;

    /// <summary>Reads an IDX file of unsigned bytes (gzip-compressed when the name ends in .gz).</summary>
    /// <exception cref="DataFileException">missing, truncated, corrupt or not an IDX file of bytes.</exception>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "the file is missing.");
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(stream, path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"the gzip data is corrupt ({e.Message}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFileException(path, "the file ends in the middle of its data (truncated?).", e);
        }
    }

    /// <summary>Reads IDX data from a stream; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4) throw new DataFileException(name, "the file is empty or shorter than an IDX header.");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFileException(name, $"wrong magic number 0x{Convert.ToHexString(magic)}: not an IDX file.");
        if (magic[2] != 0x08)
            throw new DataFileException(name, $"element type 0x{magic[2]:X2} is not supported: only unsigned bytes (0x08).");
        int rank = magic[3];
        if (rank is < 1 or > 4) throw new DataFileException(name, $"{rank} dimensions: an image or label file has 1 to 4.");

        var shape = new int[rank];
        Span<byte> word = stackalloc byte[4];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            if (ReadFully(stream, word) < 4) throw new DataFileException(name, "the header is cut short.");
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (shape[d] <= 0) throw new DataFileException(name, $"dimension {d} has size {shape[d]}: sizes must be positive.");
            count *= shape[d];
            if (count > MaxValues) throw new DataFileException(name, $"the header announces more than {MaxValues:N0} values: corrupt header.");
        }

        // Grow the buffer as data arrives, so a header that lies about the size fails on the
        // missing data instead of allocating what it claims.
        var values = new MemoryStream();
        var chunk = new byte[1 << 16];
        while (values.Length < count)
        {
            int read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, count - values.Length));
            if (read == 0)
                throw new DataFileException(name, $"truncated: the header announces {count:N0} values of shape ({string.Join(", ", shape)}) but the data stops after {values.Length:N0}.");
            values.Write(chunk, 0, read);
        }
        if (stream.Read(chunk, 0, 1) > 0)
            throw new DataFileException(name, $"the file has more data than its header's shape ({string.Join(", ", shape)}) announces.");
        return new IdxArray(shape, values.ToArray());
    }

    static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0) break;
            total += read;
        }
        return total;
    }
}
