// Scores a batch of generated images against real ones with the reference classifier: the Fréchet
// distance in its feature space and the share of samples it labels confidently. Chapter 5 and later.
using static TorchSharp.torch;

namespace Workbook.Metrics;

/// <summary>
/// How good a set of samples looks to the reference classifier.
/// FrechetDistance: 0 for a set indistinguishable from the real images, larger is worse.
/// ConfidentShare: share of samples whose most likely class has probability ≥ the scorer's threshold.
/// </summary>
/// FrechetError: the distance's own noise, its standard deviation over bootstrap resamples (NaN when not measured).
public sealed record SampleQuality(double FrechetDistance, double ConfidentShare, long Count, double FrechetError = double.NaN)
{
    public override string ToString() =>
        $"Fréchet distance {FrechetDistance:F2}{(double.IsNaN(FrechetError) ? "" : $" ± {FrechetError:F2}")}, " +
        $"confidently classified {ConfidentShare:P0} of {Count:N0}";
}

/// <summary>
/// Holds the classifier and the statistics of the real images, so that scoring another set of samples
/// costs one pass of the classifier. Deterministic: the same images always get the same score.
/// Compare scores only between sets of the same size: with few samples the distance is biased upwards.
/// </summary>
public sealed class SampleScorer
{
    public ReferenceClassifier Classifier { get; }
    public FeatureStatistics Real { get; }
    public double Confidence { get; }
    readonly Tensor realFeatures;   // (N, Features), kept for the bootstrap

    /// <param name="classifier">the judge, e.g. ReferenceClassifier.LoadShipped().Classifier</param>
    /// <param name="realImages">real images (N, 1, H, W) in [0, 1], prepared the same way as the samples (e.g. quantised)</param>
    /// <param name="confidence">the probability above which a label counts as confident</param>
    public SampleScorer(ReferenceClassifier classifier, Tensor realImages, double confidence = 0.9)
    {
        Runtime.Check.InRange(nameof(confidence), confidence, 0.0, 1.0);
        Classifier = classifier;
        Confidence = confidence;
        var (features, maxProbability) = Run(realImages);
        maxProbability.Dispose();
        realFeatures = features.DetachFromDisposeScope();
        Real = FeatureStatistics.Of(realFeatures);
    }

    /// <summary>
    /// Scores images like <see cref="Score"/> and says how far the distance would move with another draw of the
    /// same number of samples: the standard deviation of the distance over <paramref name="resamples"/> bootstrap
    /// resamples, each drawing the samples and the real images again, with replacement. Two sets of samples whose
    /// distances differ by less than about twice that are not told apart by this measurement.
    /// </summary>
    public SampleQuality ScoreWithError(Tensor images, int resamples = 50, int seed = 0)
    {
        Runtime.Check.InRange(nameof(resamples), resamples, 2, 10_000);
        var (features, maxProbability) = Run(images);
        using var scope = NewDisposeScope();
        var quality = Quality(features, maxProbability);
        var generator = Runtime.Seeds.Generator(seed);
        var distances = new double[resamples];
        for (int i = 0; i < resamples; i++)
            using (NewDisposeScope())
            {
                var pickReal = randint(0, realFeatures.shape[0], [realFeatures.shape[0]], generator: generator, device: realFeatures.device);
                var pickSample = randint(0, features.shape[0], [features.shape[0]], generator: generator, device: features.device);
                distances[i] = FrechetDistance.Between(FeatureStatistics.Of(realFeatures.index_select(0, pickReal)),
                    FeatureStatistics.Of(features.index_select(0, pickSample)));
            }
        double mean = distances.Average();
        double spread = Math.Sqrt(distances.Sum(d => (d - mean) * (d - mean)) / (resamples - 1));
        features.Dispose();
        maxProbability.Dispose();
        return quality with { FrechetError = spread };
    }

    /// <summary>Scores images (N, 1, H, W) in [0, 1] against the real images.</summary>
    public SampleQuality Score(Tensor images)
    {
        var (features, maxProbability) = Run(images);
        using var scope = NewDisposeScope();
        var quality = Quality(features, maxProbability);
        features.Dispose();
        maxProbability.Dispose();
        return quality;
    }

    SampleQuality Quality(Tensor features, Tensor maxProbability) => new(
        FrechetDistance.Between(Real, FeatureStatistics.Of(features)),
        maxProbability.ge(Confidence).to(float64).mean().item<double>(), features.shape[0]);

    (Tensor Features, Tensor MaxProbability) Run(Tensor images, int batchSize = 1000)
    {
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException($"expected images of shape (N, 1, H, W); got ({string.Join(", ", images.shape)}).");
        Classifier.eval();
        using var noGrad = no_grad();
        var features = new List<Tensor>();
        var probabilities = new List<Tensor>();
        using var scope = NewDisposeScope();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            var batch = images[(int)start..(int)Math.Min(start + batchSize, images.shape[0])].to(Runtime.TorchRuntime.Device).to(float32);
            var f = Classifier.Features(batch);                          // (b, Features)
            features.Add(f);
            probabilities.Add(nn.functional.softmax(Classifier.Logits(f), 1).max(1).values);
        }
        return (cat(features, 0).MoveToOuterDisposeScope(), cat(probabilities, 0).MoveToOuterDisposeScope());
    }
}
