// Turns a prompt into word ids: lower-case words split at anything that is not a letter or digit.
// The vocabulary is every word of the training prompts; an unknown word is refused with a list of
// the known ones, never silently dropped. Chapter 09.
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
    }

    public static IEnumerable<string> Split(string prompt) =>
        prompt.ToLowerInvariant().Split(prompt.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ids of a prompt's words. Throws a HyperparameterException naming unknown words and listing the known ones.</summary>
    public int[] Encode(string prompt)
    {
        var words = Split(prompt).ToList();
        if (words.Count == 0) throw new HyperparameterException($"the prompt '{prompt}' has no words. Try one of: {string.Join(", ", Words)}.");
        var unknown = words.Where(w => !ids.ContainsKey(w)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new HyperparameterException(
                $"the prompt '{prompt}' uses {(unknown.Count == 1 ? "a word" : "words")} this model never saw: {string.Join(", ", unknown.Select(w => $"'{w}'"))}. " +
                $"It knows only: {string.Join(", ", Words)}.");
        return words.Select(w => ids[w]).ToArray();
    }

    /// <summary>A batch of prompts as ids (B, L), padded with <see cref="Padding"/> to the longest.</summary>
    public Tensor EncodeBatch(IReadOnlyList<string> prompts)
    {
        var encoded = prompts.Select(Encode).ToList();
        int length = encoded.Max(e => e.Length);
        var flat = encoded.SelectMany(e => e.Concat(Enumerable.Repeat(Padding, length - e.Length))).Select(i => (long)i).ToArray();
        return tensor(flat, [prompts.Count, length], device: TorchRuntime.Device);
    }
}
