// Every training prompt of a dataset, tokenised once, and a way to pick a random prompt for each
// label of a batch: the image-text pairs of chapter 09, made on the fly.
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public sealed class PromptTable
{
    readonly Tensor ids, start, count;

    public Tokenizer Tokenizer { get; }

    /// <summary>The prompts in table order, with their labels.</summary>
    public IReadOnlyList<(string Prompt, int Label)> Entries { get; }

    public PromptTable(string dataset)
    {
        Entries = Prompts.All(dataset);
        Tokenizer = new Tokenizer(Entries.Select(e => e.Prompt));
        ids = Tokenizer.EncodeBatch(Entries.Select(e => e.Prompt).ToList());                        // (N, L)
        var labels = Entries.Select(e => e.Label).ToArray();
        int classes = labels.Max() + 1;
        start = tensor(Enumerable.Range(0, classes).Select(c => (long)Array.IndexOf(labels, c)).ToArray(), device: TorchRuntime.Device);
        count = tensor(Enumerable.Range(0, classes).Select(c => (long)labels.Count(l => l == c)).ToArray(), device: TorchRuntime.Device);
    }

    /// <summary>For each label (B), the ids (B, L) of one of its prompts, chosen at random.</summary>
    public Tensor Sample(Tensor labels, Generator generator)
    {
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"labels: give one int64 label per image, shape (B); got {labels.dtype} of shape ({string.Join(", ", labels.shape)}).");
        MemoryBudget.CheckShape("PromptTable.Sample", labels.shape);   // before rand, which does not report a bad size
        long classes = count.shape[0];
        if (labels.numel() > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= classes))
            throw new ArgumentException($"labels: every label must lie in 0..{classes - 1}; found {labels.min().item<long>()} to {labels.max().item<long>()}.");
        var n = count.index_select(0, labels);
        var pick = (rand([labels.shape[0]], generator: generator, device: labels.device) * n).floor().to(int64).minimum(n - 1);
        return ids.index_select(0, start.index_select(0, labels) + pick);
    }
}
