// The sample-quality metric: the Fréchet distance against closed forms for Gaussians, the shipped
// reference classifier (accuracy, checksum and architecture checks), and real vs damaged images.
using Workbook.Data;
using Workbook.Metrics;
using Workbook.Training;

namespace Workbook.Tests;

public class MetricsTests
{
    static FeatureStatistics Gaussian(double[] mean, double[,] covariance) =>
        new(tensor(mean, float64), tensor(covariance, float64), 1000);

    /// <summary>Independent closed form for 2x2 covariances: Tr sqrt(S1 S2) = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)).</summary>
    static double ClosedForm2x2(double[] m1, double[,] s1, double[] m2, double[,] s2)
    {
        double tr12 = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        double det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0], det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0];
        double traceRoot = Math.Sqrt(tr12 + 2 * Math.Sqrt(det1 * det2));
        double meanTerm = Math.Pow(m1[0] - m2[0], 2) + Math.Pow(m1[1] - m2[1], 2);
        return meanTerm + s1[0, 0] + s1[1, 1] + s2[0, 0] + s2[1, 1] - 2 * traceRoot;
    }

    static readonly double[] M1 = [0.5, -1.0], M2 = [2.0, 0.5];
    static readonly double[,] S1 = { { 2.0, 0.8 }, { 0.8, 1.0 } }, S2 = { { 0.5, -0.3 }, { -0.3, 1.5 } }; // they do not commute

    [Fact]
    public void Frechet_distance_of_two_gaussians_matches_the_closed_form()
    {
        double expected = ClosedForm2x2(M1, S1, M2, S2);
        Assert.Equal(expected, FrechetDistance.Between(Gaussian(M1, S1), Gaussian(M2, S2)), 9);
        // Same covariance: only the distance between the means is left.
        Assert.Equal(Math.Pow(1.5, 2) + Math.Pow(1.5, 2), FrechetDistance.Between(Gaussian(M1, S1), Gaussian(M2, S1)), 9);
    }

    [Fact]
    public void Frechet_distance_of_gaussian_samples_approaches_the_closed_form()
    {
        var generator = new Generator(3);
        Tensor Sample(double[] mean, double[,] covariance, int n)
        {
            var l = linalg.cholesky(tensor(covariance, float64));
            return randn([n, 2], float64, generator: generator).matmul(l.t()) + tensor(mean, float64);
        }
        // 400,000 points per set: the estimate's standard deviation is about 0.015.
        double measured = FrechetDistance.Between(Sample(M1, S1, 400_000), Sample(M2, S2, 400_000));
        double expected = ClosedForm2x2(M1, S1, M2, S2);
        Assert.InRange(measured, expected - 0.05, expected + 0.05);
    }

    [Fact]
    public void Identical_sets_score_zero_and_a_shifted_set_scores_its_squared_shift()
    {
        var features = randn([500, 16], generator: new Generator(1));
        Assert.InRange(FrechetDistance.Between(features, features), 0, 1e-8);
        Assert.Equal(16 * 0.25, FrechetDistance.Between(features, features + 0.5), 6); // covariance unchanged: ||0.5 * 1||^2
    }

    [Fact]
    public void Symmetric_square_root_squares_back()
    {
        var a = randn([6, 6], float64, generator: new Generator(2));
        var spd = a.matmul(a.t()) + eye(6, dtype: float64) * 0.1;
        var root = FrechetDistance.SymmetricSqrt(spd);
        Assert.True(root.matmul(root).allclose(spd, 1e-9, 1e-9));
        Assert.True(root.allclose(root.t(), 0, 1e-12));
    }

    [Fact]
    public void Shipped_classifier_loads_and_is_accurate_on_the_test_split()
    {
        var (classifier, manifest) = ReferenceClassifier.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        double accuracy = classifier.Accuracy(test);
        Assert.True(accuracy > 0.97, $"test accuracy {accuracy:P2}");
        Assert.Equal(manifest.Metrics["test_accuracy"], accuracy, 3); // the manifest tells the truth
        Assert.True(new FileInfo(Checkpoint.PathFor(manifest.Name)).Length < 1_000_000);
    }

    [Fact]
    public void Real_images_score_far_better_than_blurred_or_noise_images()
    {
        var (classifier, _) = ReferenceClassifier.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        // Every second test digit as the reference, 1,000 of the others as the real set: the split's two halves differ.
        var reference = test.Images.index_select(0, arange(0, test.Count, 2));
        var scorer = new SampleScorer(classifier, reference);
        var real = test.Images.index_select(0, arange(1, 2001, 2));
        var blurred = nn.functional.avg_pool2d(real, 3, stride: 1, padding: 1);
        var noise = rand([1000, 1, 14, 14], generator: new Generator(5));

        var (r, b, n) = (scorer.Score(real), scorer.Score(blurred), scorer.Score(noise));
        Assert.True(r.FrechetDistance < 10, $"real: {r}");
        Assert.True(b.FrechetDistance > 5 * r.FrechetDistance, $"blurred: {b}, real: {r}");
        Assert.True(n.FrechetDistance > 5 * r.FrechetDistance, $"noise: {n}, real: {r}");
        Assert.True(r.ConfidentShare > b.ConfidentShare + 0.2 && r.ConfidentShare > n.ConfidentShare + 0.2, $"{r} / {b} / {n}");
        Assert.InRange(scorer.Score(reference).FrechetDistance, 0, 1e-6); // the reference set itself
    }

    [Fact]
    public void The_shipped_classifier_is_loaded_like_every_other_checkpoint_and_refuses_another_config()
    {
        // One checkpoint mechanism (Checkpoint.Load, tested in CheckpointTests): the classifier's record is checked too.
        var e = Assert.Throws<CheckpointException>(() =>
            Checkpoint.Load(new ReferenceClassifier(new ReferenceClassifierConfig() with { Features = 32 }),
                Checkpoint.PathFor(ReferenceClassifier.ShippedName(new ReferenceClassifierConfig())), new ReferenceClassifierConfig() with { Features = 32 }));
        Assert.Contains("Features = 64 in the checkpoint, 32 asked for", e.Message);
    }

    [Fact]
    public void Training_a_classifier_from_its_seed_learns_the_digits_and_a_cancelled_one_says_so()
    {
        var config = new ReferenceClassifierConfig() with { Channels1 = 8, Channels2 = 16, Features = 32, Steps = 200 };
        var classifier = ReferenceClassifier.Build(config);
        var history = ReferenceClassifier.Train(classifier);
        Assert.True(history.FinalLoss(10) < 0.5 * history.Losses[0], $"loss {history.Losses[0]:F3} -> {history.FinalLoss(10):F3}");
        double accuracy = Measurements.TestAccuracy(classifier)["test_accuracy"];
        Assert.True(accuracy > 0.8, $"test accuracy {accuracy:P1}");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.True(ReferenceClassifier.Train(ReferenceClassifier.Build(config), cancellation: cancel.Token).Cancelled);
    }

    [Fact]
    public void Quality_curves_keep_their_points_sorted_and_chart_on_a_log_axis()
    {
        var curve = new QualityCurve("random order", [1, 196], [160.0, 40.0]).With(16, 50.0);
        Assert.Equal([1, 16, 196], curve.Evaluations);
        Assert.Equal([160.0, 50.0, 40.0], curve.Metric);
        string json = Plotly.NET.GenericChart.toJson(Workbook.Display.QualityCharts.Against("t", "FD", [curve], reference: 2.0));
        Assert.Contains("\"type\":\"log\"", json);
        Assert.Contains("random order", json);
        Assert.Contains("real images", json);
        // the other cost on a linear axis, the metric on a log axis: one log axis still, now the y axis
        string other = Plotly.NET.GenericChart.toJson(Workbook.Display.QualityCharts.Against("t", "FD", [curve],
            costTitle: "training steps", logCost: false, logMetric: true));
        Assert.Contains("training steps", other);
        Assert.Contains("\"type\":\"log\"", other);
        Assert.DoesNotContain("\"type\":\"log\"", Plotly.NET.GenericChart.toJson(Workbook.Display.QualityCharts.Against(
            "t", "FD", [curve], logCost: false)));                                      // both axes linear
    }

    [Fact]
    public void A_curve_with_errors_keeps_them_with_their_points_and_charts_them_as_error_bars()
    {
        var curve = new QualityCurve("diffusion", [10, 100], [15.0, 6.5], [0.8, 0.4]).With(50, 7.0, 0.5);
        Assert.Equal([0.8, 0.5, 0.4], curve.Error!);
        Assert.Null(new QualityCurve("plain", [1], [3.0]).With(2, 2.0).Error);
        string json = Plotly.NET.GenericChart.toJson(Workbook.Display.QualityCharts.Against("t", "FD", [curve]));
        Assert.Contains("\"error_y\":{\"symmetric\":true,\"array\":[0.8,0.5,0.4]}", json);
        Assert.DoesNotContain("\"symmetric\":true", Plotly.NET.GenericChart.toJson(
            Workbook.Display.QualityCharts.Against("t", "FD", [new QualityCurve("plain", [1], [3.0])])));
    }

    [Fact]
    public void The_bootstrap_error_matches_the_spread_over_disjoint_sample_sets_and_shrinks_with_more_samples()
    {
        var (classifier, _) = ReferenceClassifier.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        var (reference, split) = RealDigits.Split(test.Images);
        var scorer = new SampleScorer(classifier, reference[..1000]);
        // shuffled: the test split's halves come from different writers, and disjoint slices would differ by that
        var heldOut = split.index_select(0, randperm(split.shape[0], generator: new Generator(3)));
        // Independent reference: five disjoint sets of 200 real digits, and the spread of their distances.
        var distances = Enumerable.Range(0, 20).Select(i => scorer.Score(heldOut[(200 * i)..(200 * i + 200)]).FrechetDistance).ToArray();
        double mean = distances.Average(), spread = Math.Sqrt(distances.Sum(d => (d - mean) * (d - mean)) / 19);
        var first = scorer.ScoreWithError(heldOut[..200]);
        Assert.Equal(scorer.Score(heldOut[..200]).FrechetDistance, first.FrechetDistance, 9);
        Assert.InRange(first.FrechetError, spread / 3, spread * 3);
        Assert.Equal(first, scorer.ScoreWithError(heldOut[..200]));               // same seed, same error
        Assert.True(scorer.ScoreWithError(heldOut[..2000]).FrechetError < first.FrechetError);
        Assert.Contains(" ± ", first.ToString());
    }

    [Fact]
    public void Measuring_a_curve_scores_one_generated_set_per_budget()
    {
        Workbook.Runtime.Seeds.Global(0);
        var judge = new ReferenceClassifier(new ReferenceClassifierConfig() with { Channels1 = 2, Channels2 = 2, Features = 4 });
        var scorer = new SampleScorer(judge, rand([200, 1, 14, 14], generator: new Generator(9)));
        Tensor Make(int budget) => rand([100, 1, 14, 14], generator: new Generator((ulong)budget)) * (1.0 / budget);
        var asked = new List<int>();
        var curve = QualityCurve.Measure("toy", [1, 4, 16], e => { asked.Add(e); return Make(e); }, scorer);
        Assert.Equal([1, 4, 16], asked);
        Assert.Equal([1, 4, 16], curve.Evaluations);
        for (int i = 0; i < 3; i++)
            Assert.Equal(scorer.Score(Make(curve.Evaluations[i])).FrechetDistance, curve.Metric[i], 9);
    }
}
