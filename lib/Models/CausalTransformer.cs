// A causal transformer, written the way nanoGPT writes GPT-2: token and position embeddings, blocks of
// masked self-attention and a small MLP joined by residual connections, and a linear head that gives a
// distribution over the next token at every position at once. The mask lets position t look at
// positions 0..t only, so one forward pass trains on every position of a sequence. Chapter 4.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

/// <summary>Self-attention in which each position sees only itself and the positions before it.</summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear c_attn, c_proj;   // queries, keys and values in one matrix; the output projection
    readonly int heads;
    readonly Tensor bias;             // (1, 1, T, T) lower-triangular ones: 1 where a position may look

    public CausalSelfAttention(int width, int heads, int context) : base(nameof(CausalSelfAttention))
    {
        this.heads = heads;
        c_attn = nn.Linear(width, 3 * width);
        c_proj = nn.Linear(width, width);
        bias = ones(context, context, device: Runtime.TorchRuntime.Device).tril().view(1, 1, context, context);
        register_buffer("bias", bias, persistent: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long B = x.shape[0], T = x.shape[1], C = x.shape[2], hs = C / heads;
        var qkv = c_attn.call(x).split(C, dim: 2);                                   // 3 x (B, T, C)
        var q = qkv[0].view(B, T, heads, hs).transpose(1, 2);                         // (B, nh, T, hs)
        var k = qkv[1].view(B, T, heads, hs).transpose(1, 2);
        var v = qkv[2].view(B, T, heads, hs).transpose(1, 2);
        var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hs));              // (B, nh, T, T)
        var visible = bias[.., .., TensorIndex.Slice(0, T), TensorIndex.Slice(0, T)];
        att = att.masked_fill(visible.eq(0), double.NegativeInfinity);               // the future: weight 0
        att = nn.functional.softmax(att, dim: -1);
        var y = att.matmul(v);                                                        // (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C);                             // heads side by side
        return c_proj.call(y);
    }
}

/// <summary>One transformer block: attention, then an MLP, each after a LayerNorm and added back (residual).</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm ln_1, ln_2;
    readonly CausalSelfAttention attn;
    readonly Linear c_fc, c_proj;
    readonly GELU gelu;

    public TransformerBlock(int width, int heads, int context) : base(nameof(TransformerBlock))
    {
        ln_1 = nn.LayerNorm(width);
        attn = new CausalSelfAttention(width, heads, context);
        ln_2 = nn.LayerNorm(width);
        c_fc = nn.Linear(width, 4 * width);
        gelu = nn.GELU();
        c_proj = nn.Linear(4 * width, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attn.call(ln_1.call(x));                                  // (B, T, C): positions exchange information
        return x + c_proj.call(gelu.call(c_fc.call(ln_2.call(x))));       // (B, T, C): each position on its own
    }
}

/// <summary>
/// Token ids (B, T) to logits (B, T, V): at every position, a distribution over the token that comes next.
/// </summary>
public sealed class CausalTransformer : nn.Module<Tensor, Tensor>
{
    readonly Embedding wte, wpe;      // token and position embeddings
    readonly ModuleList<TransformerBlock> h;
    readonly LayerNorm ln_f;
    readonly Linear lm_head;

    /// <summary>How many tokens it can look back over (the longest sequence it takes).</summary>
    public int Context { get; }

    /// <summary>How many different tokens there are (the size of each output distribution).</summary>
    public int Vocabulary { get; }

    public CausalTransformer(int vocabulary, int context, int layers, int heads, int width) : base(nameof(CausalTransformer))
    {
        Runtime.Check.InRange(nameof(vocabulary), vocabulary, 2, 1_000_000);
        if (width % heads != 0)
            throw new ArgumentException($"width ({width}) must be a multiple of heads ({heads}): each head gets width / heads values.");
        (Context, Vocabulary) = (context, vocabulary);
        wte = nn.Embedding(vocabulary, width);
        wpe = nn.Embedding(context, width);
        h = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new TransformerBlock(width, heads, context)).ToArray());
        ln_f = nn.LayerNorm(width);
        lm_head = nn.Linear(width, vocabulary, hasBias: false);
        RegisterComponents();
        InitialiseLikeGpt2();
        this.to(Runtime.TorchRuntime.Device);
    }

    public override Tensor forward(Tensor idx) => Decode(Embed(idx));

    /// <summary>Token ids (B, T) to the first layer's input (B, T, C): what the token is plus where it is.</summary>
    public Tensor Embed(Tensor idx)
    {
        long T = idx.shape[1];
        if (T > Context) throw new ArgumentException($"a sequence of {T} tokens is longer than the context ({Context}).");
        var position = arange(T, dtype: int64, device: idx.device);                 // (T)
        return wte.call(idx) + wpe.call(position);                                   // (B, T, C)
    }

    /// <summary>The blocks and the head: (B, T, C) to logits (B, T, V). The causality test differentiates through it.</summary>
    public Tensor Decode(Tensor x)
    {
        foreach (var block in h) x = block.call(x);
        return lm_head.call(ln_f.call(x));                                           // (B, T, V)
    }

    // GPT-2's initialisation: weights from N(0, 0.02), biases zero (LayerNorm keeps its ones and zeros).
    void InitialiseLikeGpt2()
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.Contains("ln_")) continue;
            if (name.EndsWith("bias")) p.zero_();
            else nn.init.normal_(p, 0, 0.02);
        }
    }
}
