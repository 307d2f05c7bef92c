// Turns a prompt into word ids: lower-case words split at spaces and punctuation. The vocabulary is
// every word of the training prompts; an unknown word, or a character it cannot read (an emoji, an
// accented letter), is refused with a list of the known words, never silently dropped. Chapter 09.
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public sealed class Tokenizer
{
    /// <summary>Id 0 pads short prompts to the batch's length; it carries no meaning.</summary>
    public const int Padding = 0;

    readonly Dictionary<string, int> ids;

    public IReadOnlyList<string> Words { get; }

    /// <summary>Number of ids, padding included.</summary>
    public int VocabularySize => Words.Count + 1;

    public Tokenizer(IEnumerable<string> trainingPrompts)
    {
        Words = trainingPrompts.SelectMany(Split).Distinct().Order(StringComparer.Ordinal).ToList();
        ids = Words.Select((word, i) => (word, i + 1)).ToDictionary(p => p.word, p => p.Item2);
        known = Words.SelectMany(w => w).ToHashSet();
    }

    readonly HashSet<char> known;   // the characters of the vocabulary's words

    public static IEnumerable<string> Split(string prompt) =>
        prompt.ToLowerInvariant().Split(prompt.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The ids of a prompt's words. Throws a HyperparameterException for a null prompt, a character it cannot read
    /// (anything but ASCII letters, digits, spaces and punctuation, and the vocabulary's own letters), or unknown words,
    /// naming them and listing the known words.
    /// </summary>
    public int[] Encode(string prompt)
    {
        if (prompt is null) throw new HyperparameterException($"a prompt is null: give text such as '{Words.FirstOrDefault(w => w.Length > 3) ?? "seven"}'.");
        var strange = prompt.EnumerateRunes().Where(r => !IsReadable(r)).Distinct().ToList();
        if (strange.Count > 0)
            throw new HyperparameterException(
                $"the prompt '{Shorten(prompt)}' has {(strange.Count == 1 ? "a character" : "characters")} this tokenizer cannot read: " +
                $"{string.Join(", ", strange.Take(5).Select(r => $"'{r}' (U+{r.Value:X4})"))}{(strange.Count > 5 ? $" and {strange.Count - 5} more" : "")}. " +
                $"Prompts are words of ASCII letters and digits, separated by spaces or punctuation. It knows only: {string.Join(", ", Words)}.");
        var words = Split(prompt).ToList();
        if (words.Count == 0) throw new HyperparameterException($"the prompt '{Shorten(prompt)}' has no words. Try one of: {string.Join(", ", Words)}.");
        var unknown = words.Where(w => !ids.ContainsKey(w)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new HyperparameterException(
                $"the prompt '{Shorten(prompt)}' uses {(unknown.Count == 1 ? "a word" : "words")} this model never saw: " +
                $"{string.Join(", ", unknown.Take(5).Select(w => $"'{Shorten(w, 30)}'"))}{(unknown.Count > 5 ? $" and {unknown.Count - 5} more" : "")}. " +
                $"It knows only: {string.Join(", ", Words)}.");
        return words.Select(w => ids[w]).ToArray();
    }

    bool IsReadable(System.Text.Rune r) =>
        (r.IsAscii && (char.IsAsciiLetterOrDigit((char)r.Value) || char.IsWhiteSpace((char)r.Value) || char.IsPunctuation((char)r.Value) || char.IsSymbol((char)r.Value)))
        || (r.IsBmp && known.Contains(char.ToLowerInvariant((char)r.Value)));

    /// <summary>The text itself when short; else its first <paramref name="length"/> characters, "…" and how long it was.</summary>
    static string Shorten(string text, int length = 80) =>
        text.Length <= length ? text : $"{text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)]}… ({text.Length:N0} characters)";

    /// <summary>A batch of prompts as ids (B, L), padded with <see cref="Padding"/> to the longest.</summary>
    public Tensor EncodeBatch(IReadOnlyList<string> prompts)
    {
        if (prompts is null || prompts.Count == 0) throw new HyperparameterException("no prompts: give at least one, e.g. [\"a handwritten seven\"].");
        for (int i = 0; i < prompts.Count; i++)
            if (prompts[i] is null) throw new HyperparameterException($"prompt {i + 1} of {prompts.Count} is null: give text such as 'seven'.");
        var encoded = prompts.Select(Encode).ToList();
        int length = encoded.Max(e => e.Length);
        var flat = encoded.SelectMany(e => e.Concat(Enumerable.Repeat(Padding, length - e.Length))).Select(i => (long)i).ToArray();
        return tensor(flat, [prompts.Count, length], device: TorchRuntime.Device);
    }
}
