// Short text prompts made from a dataset's labels ("a handwritten seven", "the digit 7", "seven"):
// the image-text pairs the conditional models of chapter 09 train on.
namespace Workbook.Conditioning;

public static class Prompts
{
    static readonly string[] DigitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Every way of describing one class of a dataset, as the training prompts use them.</summary>
    public static IReadOnlyList<string> For(string dataset, int label)
    {
        Runtime.Check.OneOf(nameof(dataset), dataset, Data.Datasets.Names.ToArray());
        if (label is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(label), label, "labels run from 0 to 9.");
        if (dataset == "fashion-mnist")
        {
            string name = Data.Datasets.ClassNamesOf(dataset)[label];
            return [$"a {name}", $"a photo of a {name}", name];
        }
        string word = DigitWords[label];
        return [$"a handwritten {word}", $"the digit {label}", word, $"the number {word}"];
    }

    /// <summary>All prompts of a dataset, with the label each describes.</summary>
    public static IReadOnlyList<(string Prompt, int Label)> All(string dataset) =>
        Enumerable.Range(0, 10).SelectMany(label => For(dataset, label).Select(p => (p, label))).ToList();
}
