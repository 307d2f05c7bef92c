// Next-token prediction with a causal transformer, for text and for digits: train on every position of
// a sequence at once, generate one token at a time (greedy or sampled with a temperature), and score a
// test set by its negative log-likelihood. A digit is a sequence too: a start token, then its pixels'
// levels in reading order. Chapter 4.
using Workbook.Models;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Autoregression;

public static class NextToken
{
    /// <summary>
    /// Trains on a long stream of token ids (N) by windows of Context + 1 tokens at random places: the
    /// window without its last token is the input, the window without its first the labels, so each
    /// window is Context examples of "what comes next".
    /// </summary>
    public static TrainingHistory TrainOnStream(CausalTransformer model, CausalTransformerConfig config, Tensor tokens,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        config.Validate();
        int T = Math.Min(config.Context, model.Context);
        if (tokens.shape[0] < T + 2)
            throw new ArgumentException($"the stream has {tokens.shape[0]} tokens; training needs more than Context + 1 = {T + 1}.");
        var generator = Runtime.Seeds.Generator(config.Seed);
        var offsets = arange(T + 1, dtype: int64, device: tokens.device);                           // (T+1)
        return Train(model, config, step =>
        {
            var starts = randint(0, tokens.shape[0] - T - 1, [config.BatchSize, 1], generator: generator, device: tokens.device);
            var window = tokens[starts + offsets];                                                  // (B, T+1)
            return Loss(model, window[.., ..T], window[.., 1..]);
        }, progress, cancellation);
    }

    /// <summary>
    /// Trains on whole sequences (N, T) of token ids, such as digits from <see cref="DigitSequences"/>: the input
    /// is a start token followed by the sequence without its last token, the labels are the sequence. The start
    /// token is the last id (the levels are 0..K-1, the start token K).
    /// </summary>
    public static TrainingHistory TrainOnSequences(CausalTransformer model, CausalTransformerConfig config, Tensor sequences,
        int startToken, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        config.Validate();
        var generator = Runtime.Seeds.Generator(config.Seed);
        return Train(model, config, step =>
        {
            var rows = randint(0, sequences.shape[0], [config.BatchSize], generator: generator, device: sequences.device);
            var labels = sequences[rows];                                                           // (B, T)
            return Loss(model, ShiftRight(labels, startToken), labels, classes: startToken);
        }, progress, cancellation);
    }

    static TrainingHistory Train(CausalTransformer model, CausalTransformerConfig config, Func<int, Tensor> lossAt,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        using var optimizer = optim.AdamW(model.parameters(), lr: config.LearningRate, weight_decay: 0.01);
        model.train();
        var history = Trainer.Fit(optimizer, config.Steps, lossAt, progress, cancellation);
        model.eval();
        return history;
    }

    /// <summary>
    /// Mean cross-entropy (nats per token) of predicting labels (B, T) from inputs (B, T). With
    /// <paramref name="classes"/>, only the first that many tokens can be answers (a digit's start token cannot).
    /// </summary>
    public static Tensor Loss(CausalTransformer model, Tensor input, Tensor labels, int? classes = null)
    {
        var logits = model.call(input);                                                             // (B, T, V)
        if (classes is int k) logits = logits[.., .., ..k];
        return nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten());
    }

    /// <summary>A start token in front, the last token dropped: (B, T) to (B, T), what the model sees.</summary>
    public static Tensor ShiftRight(Tensor sequences, int startToken) =>
        cat([full(sequences.shape[0], 1, startToken, dtype: int64, device: sequences.device), sequences[.., ..^1]], 1);

    /// <summary>
    /// Continues <paramref name="prompt"/> (token ids) by <paramref name="count"/> tokens, one model call each. Temperature 0
    /// takes the most likely token (greedy); otherwise the logits are divided by it and a token is drawn.
    /// </summary>
    public static long[] Generate(CausalTransformer model, IReadOnlyList<long> prompt, int count, double temperature, Generator generator)
    {
        if (prompt.Count == 0) throw new ArgumentException("the prompt is empty: give at least one token to continue.");
        Runtime.Check.InRange("count", count, 0, 1_000_000);
        Runtime.Check.InRange("temperature", temperature, 0.0, 100.0);
        var tokens = prompt.ToList();
        using var _ = no_grad();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var recent = tokens.Skip(Math.Max(0, tokens.Count - model.Context)).ToArray();
            var logits = model.call(tensor(recent, device: Runtime.TorchRuntime.Device).unsqueeze(0))[0, -1];   // (V)
            tokens.Add(temperature == 0 ? logits.argmax().item<long>()
                : multinomial(nn.functional.softmax(logits / temperature, 0), 1, generator: generator).item<long>());
        }
        return tokens.Skip(prompt.Count).ToArray();
    }

    /// <summary>Mean nats per token over a stream, in non-overlapping windows of the model's context.</summary>
    public static double StreamLoss(CausalTransformer model, Tensor tokens, int batch = 64)
    {
        int T = model.Context;
        long windows = (tokens.shape[0] - 1) / T;
        if (windows < 1) throw new ArgumentException($"the stream has {tokens.shape[0]} tokens; scoring needs more than {T}.");
        double total = 0;
        using var _ = no_grad();
        for (long w = 0; w < windows; w += batch)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(batch, windows - w);
            var starts = (arange(n, dtype: int64, device: tokens.device) + w) * T;
            var window = tokens[starts.unsqueeze(1) + arange(T + 1, dtype: int64, device: tokens.device)];  // (n, T+1)
            total += Loss(model, window[.., ..T], window[.., 1..]).item<float>() * n;
        }
        return total / windows;
    }

    /// <summary>Greys (N, 1, H, W) to sequences (N, H*W) of their levels 0..K-1 in reading order.</summary>
    public static Tensor DigitSequences(Tensor greys, int levels) => PixelLevels.Quantize(greys, levels).flatten(1);

    /// <summary>
    /// The model's logits for every pixel of images (B, 1, H, W), as (B, K, H, W), from one call: the model of
    /// a digit sees the start token <paramref name="levels"/> and the levels before each pixel. The shape
    /// <see cref="Likelihood.MeanNatsPerImage"/> and <see cref="PixelPredictors.FromLogitMaps"/> take.
    /// </summary>
    public static Tensor PixelLogits(CausalTransformer model, Tensor greys, int levels)
    {
        long B = greys.shape[0], H = greys.shape[^2], W = greys.shape[^1];
        var input = ShiftRight(DigitSequences(greys, levels), startToken: levels);                  // (B, P)
        var logits = model.call(input)[.., .., ..levels];                                           // (B, P, K): the start token is never a pixel
        return logits.permute(0, 2, 1).reshape(B, levels, H, W);                                    // (B, K, H, W)
    }
}
