// Loads the datasets shipped in data/: MNIST and Fashion-MNIST (28x28) and scikit-learn's 8x8 digits,
// optionally shrunk (14x14 trains four times faster than 28x28). Chapter 1.
using System.IO.Compression;
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Data;

public enum Split { Train, Test }

public static class Datasets
{
    public static readonly IReadOnlyList<string> Names = ["mnist", "fashion-mnist", "digits"];

    static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    static readonly string[] Clothes = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>The names of a dataset's ten classes, in label order.</summary>
    public static IReadOnlyList<string> ClassNamesOf(string name)
    {
        Check.OneOf("dataset", name, Names.ToArray());
        return name == "fashion-mnist" ? Clothes : Digits;
    }

    /// <summary>
    /// Loads a dataset by name ("mnist", "fashion-mnist" or "digits"), resized to size x size when given
    /// (area averaging, so a 14x14 digit is the 28x28 one seen from further away).
    /// </summary>
    public static ImageDataset Load(string name, Split split = Split.Train, int? size = null)
    {
        Check.OneOf("dataset", name, Names.ToArray());
        if (size is int s) Check.InRange("size", s, 4, 64);

        var (pixels, labels, classes) = name switch
        {
            "mnist" => ReadIdxPair("mnist", split, Digits),
            "fashion-mnist" => ReadIdxPair("fashion-mnist", split, Clothes),
            _ => ReadDigitsCsv(split),
        };
        using var scope = NewDisposeScope();
        var images = pixels;
        if (size is int side && side != images.shape[2])
            images = nn.functional.interpolate(images, [side, side], mode: InterpolationMode.Area);
        var device = TorchRuntime.Device;
        return new ImageDataset(name, images.to(device).MoveToOuterDisposeScope(), labels.to(device).MoveToOuterDisposeScope(), classes);
    }

    static (Tensor, Tensor, string[]) ReadIdxPair(string folder, Split split, string[] classes)
    {
        string prefix = split == Split.Train ? "train" : "t10k";
        string imagePath = DataFolder.File(folder, $"{prefix}-images-idx3-ubyte.gz");
        string labelPath = DataFolder.File(folder, $"{prefix}-labels-idx1-ubyte.gz");
        var images = IdxFile.Read(imagePath);
        var labels = IdxFile.Read(labelPath);
        if (images.Shape.Length != 3)
            throw new DataFileException(imagePath, $"expected 3 dimensions (count, rows, columns), found {images.Shape.Length}.");
        if (labels.Shape.Length != 1)
            throw new DataFileException(labelPath, $"expected 1 dimension (count), found {labels.Shape.Length}.");
        if (images.Shape[0] != labels.Shape[0])
            throw new DataFileException(labelPath, $"{labels.Shape[0]:N0} labels for {images.Shape[0]:N0} images in {Path.GetFileName(imagePath)}.");
        if (labels.Values.Any(l => l >= classes.Length))
            throw new DataFileException(labelPath, $"a label is outside 0..{classes.Length - 1}.");

        var x = tensor(images.Values, [images.Shape[0], 1, images.Shape[1], images.Shape[2]], device: CPU).to(float32).div_(255f); // (N, 1, H, W)
        var y = tensor(labels.Values, [labels.Shape[0]], device: CPU).to(int64);
        return (x, y, classes);
    }

    /// <summary>Longest line of the digits file accepted (its rows have 155 characters at most).</summary>
    public const int MaxDigitsLineLength = 1000;

    /// <summary>Most characters the digits file may decompress to (it has 264,712), so a gzip bomb cannot fill the memory.</summary>
    public const int MaxDigitsCharacters = 16_000_000;

    /// <summary>scikit-learn's digits: 1,797 rows of 64 pixels (0..16) and a label; the first 1,500 are the training split.</summary>
    static (Tensor, Tensor, string[]) ReadDigitsCsv(Split split)
    {
        const int TrainCount = 1500;
        string path = DataFolder.File("digits", "digits.csv.gz");
        if (!File.Exists(path)) throw new DataFileException(path, "the file is missing.");
        var pixels = new List<float>();
        var labels = new List<long>();
        try
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            int lineNumber = 0;
            long characters = 0;
            while (ReadLine(reader, path, lineNumber + 1, ref characters) is string line)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                var fields = line.Split(',');
                if (fields.Length != 65) throw new DataFileException(path, $"line {lineNumber} has {fields.Length} fields, expected 64 pixels and a label.");
                var values = new int[65];
                for (int i = 0; i < 65; i++)
                    if (!int.TryParse(fields[i], out values[i]) || values[i] < 0 || values[i] > (i < 64 ? 16 : 9))
                        throw new DataFileException(path, $"line {lineNumber}, field {i + 1}: '{fields[i]}' is not a {(i < 64 ? "pixel value 0..16" : "label 0..9")}.");
                bool inSplit = split == Split.Train ? lineNumber <= TrainCount : lineNumber > TrainCount;
                if (!inSplit) continue;
                for (int i = 0; i < 64; i++) pixels.Add(values[i] / 16f);
                labels.Add(values[64]);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"the gzip data is corrupt ({e.Message}).", e);
        }
        if (labels.Count == 0) throw new DataFileException(path, $"no rows for the {split} split.");
        return (tensor(pixels.ToArray(), [labels.Count, 1, 8, 8], device: CPU), tensor(labels.ToArray(), device: CPU), Digits);
    }

    /// <summary>
    /// The next line of the digits file (null at the end), read a character at a time so that neither one endless line
    /// nor endless empty ones are ever held in memory: both limits end in a DataFileException.
    /// </summary>
    static string? ReadLine(TextReader reader, string path, int lineNumber, ref long characters)
    {
        var line = new System.Text.StringBuilder();
        for (int c = reader.Read(); c != -1; c = reader.Read())
        {
            if (++characters > MaxDigitsCharacters)
                throw new DataFileException(path, $"it decompresses to more than {MaxDigitsCharacters:N0} characters (the digits file has 264,712): damaged, or not the digits file.");
            if (c == '\n') return line.ToString().TrimEnd('\r');
            if (line.Length == MaxDigitsLineLength)
                throw new DataFileException(path, $"line {lineNumber} is longer than {MaxDigitsLineLength:N0} characters (a row of 64 pixels and a label has at most 155): damaged, or not the digits file.");
            line.Append((char)c);
        }
        return line.Length > 0 ? line.ToString() : null;
    }
}
