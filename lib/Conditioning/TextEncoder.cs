// The smallest text encoder that works: a learned vector per word, averaged over the prompt's
// words, then a linear layer. Trained together with the image model. Chapter 09.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Conditioning;

public sealed class TextEncoder : nn.Module<Tensor, Tensor>
{
    readonly Embedding embed;
    readonly Linear proj;

    public TextEncoder(int vocabularySize, int dimension) : base(nameof(TextEncoder))
    {
        Runtime.Check.Positive("vocabularySize", vocabularySize);
        Runtime.Check.Positive("dimension", dimension);
        embed = nn.Embedding(vocabularySize, dimension, padding_idx: Tokenizer.Padding);
        proj = nn.Linear(dimension, dimension);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>ids (B, L) padded with 0 → one vector per prompt (B, D): the mean of its word vectors, projected.</summary>
    public override Tensor forward(Tensor ids)
    {
        var words = ids.ne(Tokenizer.Padding).unsqueeze(-1).to(float32);   // (B, L, 1): 1 for a real word
        var vectors = embed.call(ids) * words;                           // (B, L, D)
        var mean = vectors.sum(1) / words.sum(1).clamp_min(1);              // (B, D)
        return proj.call(mean);
    }
}
