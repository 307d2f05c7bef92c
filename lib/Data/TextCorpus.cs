// A book as a sequence of character ids, for next-character prediction: the vocabulary is every
// character that occurs in it, the last tenth is held out as a test text, and the book's own words
// let a generated text be checked for real words. Chapter 4.
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Workbook.Data;

public sealed partial class TextCorpus
{
    /// <summary>The corpora shipped in data/text: name to file.</summary>
    public static IReadOnlyDictionary<string, string> Shipped { get; } = new Dictionary<string, string>
    {
        ["devils-dictionary"] = "devils-dictionary.txt",   // Ambrose Bierce, 1911; public domain (data/README.md)
    };

    public string Name { get; }
    public string Text { get; }

    /// <summary>The characters that occur, sorted: character i has id i.</summary>
    public IReadOnlyList<char> Characters { get; }

    /// <summary>Every word of the text, in lower case (letters and apostrophes).</summary>
    public IReadOnlySet<string> Words { get; }

    readonly Dictionary<char, int> ids;

    public TextCorpus(string name, string text)
    {
        if (text.Length < 2) throw new ArgumentException($"the text '{name}' has {text.Length} characters; it needs at least 2.");
        (Name, Text) = (name, text);
        Characters = text.Distinct().Order().ToList();
        ids = Characters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        Words = WordsOf(text).ToHashSet();
    }

    /// <summary>Loads a shipped corpus by name (see <see cref="Shipped"/>).</summary>
    public static TextCorpus Load(string name = "devils-dictionary")
    {
        Runtime.Check.OneOf("corpus", name, Shipped.Keys.ToArray());
        string path = DataFolder.File("text", Shipped[name]);
        if (!File.Exists(path)) throw new DataFileException(path, "the text is missing. Restore data/text from the repository.");
        return new TextCorpus(name, File.ReadAllText(path).Replace("\r\n", "\n"));
    }

    /// <summary>Text to character ids (N, int64). A character the corpus never uses is refused by name.</summary>
    public Tensor Encode(string text)
    {
        int at = text.AsSpan().IndexOfAnyExcept([.. ids.Keys]);
        if (at >= 0)
            throw new ArgumentException($"the character '{text[at]}' (U+{(int)text[at]:X4}) does not occur in {Name}; it knows {Characters.Count} characters.");
        return tensor(text.Select(c => (long)ids[c]).ToArray(), device: Runtime.TorchRuntime.Device);
    }

    /// <summary>Character ids back to text.</summary>
    public string Decode(IEnumerable<long> tokens) => string.Concat(tokens.Select(t => Characters[(int)t]));

    /// <summary>The whole text as ids, split into the first 90 % (training) and the last 10 % (test).</summary>
    public (Tensor Train, Tensor Test) Split()
    {
        var all = Encode(Text);
        long cut = all.shape[0] * 9 / 10;
        return (all[..(int)cut], all[(int)cut..]);
    }

    /// <summary>The share of the words in <paramref name="text"/> that occur in the corpus (words cut off at either end are not counted).</summary>
    public double ShareOfKnownWords(string text)
    {
        var words = WordsOf(text).ToList();
        if (words.Count > 2) words = words[1..^1];
        return words.Count == 0 ? 0 : words.Count(Words.Contains) / (double)words.Count;
    }

    static IEnumerable<string> WordsOf(string text) => Word().Matches(text).Select(m => m.Value.ToLowerInvariant().Trim('\''));

    [GeneratedRegex("[A-Za-z']+")]
    private static partial Regex Word();
}
