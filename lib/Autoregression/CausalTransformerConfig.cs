// Hyperparameters of chapter 4's causal transformer: the same small network learns the next
// character of a book and the next pixel of a digit. Sizes as in a very small nanoGPT.
using Workbook.Runtime;

namespace Workbook.Autoregression;

public sealed record CausalTransformerConfig(
    int Context = 64,            // tokens it looks back over; a digit needs ImageSize^2 (196 at 14x14)
    int Layers = 2,              // transformer blocks
    int Heads = 4,               // attention heads per block (Width must be a multiple)
    int Width = 64,              // values per token inside the network
    int Steps = 1500,            // optimisation steps
    int BatchSize = 32,          // sequences per step (each gives Context training examples)
    double LearningRate = 3e-3,  // AdamW's step size
    int Seed = 0)                // same seed, same thread count: same numbers
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public CausalTransformerConfig Validate()
    {
        Check.InRange(nameof(Context), Context, 2, 4096);
        Check.InRange(nameof(Layers), Layers, 1, 48);
        Check.InRange(nameof(Heads), Heads, 1, 64);
        Check.InRange(nameof(Width), Width, 8, 4096);
        if (Width % Heads != 0)
            throw new HyperparameterException($"Width = {Width} must be a multiple of Heads = {Heads}: each head gets Width / Heads values.");
        Check.Training(Steps, BatchSize, LearningRate);
        // Per sequence and layer: about 16 x Width values per token, plus Heads x Context attention weights per token.
        double weights = 12.0 * Layers * Width * Width;
        MemoryBudget.CheckTraining(nameof(CausalTransformerConfig), weights, (double)Layers * Context * (16.0 * Width + 2.0 * Heads * Context),
            BatchSize, $"BatchSize = {BatchSize}, Context = {Context}, Width = {Width} or Layers = {Layers}");
        return this;
    }

    /// <summary>The network this record describes, for <paramref name="vocabulary"/> different tokens.</summary>
    public Models.CausalTransformer Build(int vocabulary) => new(vocabulary, Context, Layers, Heads, Width);
}
