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
        var (classifier, manifest) = ClassifierCheckpoint.LoadShipped();
        var test = Datasets.Load("mnist", Split.Test, size: 14);
        double accuracy = classifier.Accuracy(test);
        Assert.True(accuracy > 0.97, $"test accuracy {accuracy:P2}");
        Assert.Equal(manifest.TestAccuracy, accuracy, 3); // the manifest tells the truth
        Assert.True(new FileInfo(ClassifierCheckpoint.ShippedPath(manifest.Config)).Length < 1_000_000);
    }

    [Fact]
    public void Real_images_score_far_better_than_blurred_or_noise_images()
    {
        var (classifier, _) = ClassifierCheckpoint.LoadShipped();
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

    static (string Weights, string Folder) CopyOfShipped()
    {
        string folder = Directory.CreateTempSubdirectory("checkpoint").FullName;
        string source = ClassifierCheckpoint.ShippedPath(new ReferenceClassifierConfig());
        string weights = Path.Combine(folder, Path.GetFileName(source));
        File.Copy(source, weights);
        File.Copy(ClassifierCheckpoint.ManifestPath(source), ClassifierCheckpoint.ManifestPath(weights));
        return (weights, folder);
    }

    [Fact]
    public void A_damaged_weights_file_is_refused_with_its_checksum()
    {
        var (weights, folder) = CopyOfShipped();
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(weights));
        Assert.Contains("wrong checksum", e.Message);
        Assert.Contains(ClassifierCheckpoint.Sha256Of(weights), e.Message);
        Assert.Contains("git checkout -- data/checkpoints", e.Message);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Asking_for_another_architecture_says_which_values_differ()
    {
        var (weights, folder) = CopyOfShipped();
        var e = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(weights, new ReferenceClassifierConfig() with { Features = 32 }));
        Assert.Contains("wrong architecture", e.Message);
        Assert.Contains("Features = 64 (wanted: 32)", e.Message);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_manifest_with_an_impossible_class_count_is_refused_as_a_checkpoint_problem()
    {
        var (weights, folder) = CopyOfShipped();
        string manifest = ClassifierCheckpoint.ManifestPath(weights);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"Classes\": 10", "\"Classes\": 0"));
        var e = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(weights));
        Assert.Contains("classes = 0 is out of range", e.Message);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_manifest_are_refused()
    {
        var (weights, folder) = CopyOfShipped();
        // A manifest whose checksum is right but whose architecture is not the one the weights were saved from.
        var small = new ReferenceClassifier(new ReferenceClassifierConfig() with { Features = 8 });
        var manifest = ClassifierCheckpoint.Save(small, new ClassifierManifest(small.Config, 10, 0, 1, 0, ""), Path.Combine(folder, "small.bin"));
        File.Copy(ClassifierCheckpoint.ManifestPath(Path.Combine(folder, "small.bin")), ClassifierCheckpoint.ManifestPath(weights), overwrite: true);
        File.WriteAllText(ClassifierCheckpoint.ManifestPath(weights),
            File.ReadAllText(ClassifierCheckpoint.ManifestPath(weights)).Replace(manifest.Sha256, ClassifierCheckpoint.Sha256Of(weights)));
        var e = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Load(weights));
        Assert.Contains("do not fit", e.Message);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_cancelled_training_is_recorded_as_cancelled_and_never_saved_as_a_checkpoint()
    {
        string folder = Directory.CreateTempSubdirectory("checkpoint").FullName;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var config = new ReferenceClassifierConfig() with { Channels1 = 2, Channels2 = 2, Features = 4, Steps = 50 };
        var (classifier, manifest) = ReferenceClassifier.Train(config, cancellation: cancel.Token);
        Assert.Equal(0, manifest.CancelledAtStep);
        var e = Assert.Throws<OperationCanceledException>(() => ClassifierCheckpoint.Save(classifier, manifest, Path.Combine(folder, "c.bin")));
        Assert.Contains("cancelled at step 0 of 50", e.Message);
        Assert.Empty(Directory.GetFiles(folder));
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_failed_manifest_write_leaves_the_previous_classifier_pair_intact()
    {
        string folder = Directory.CreateTempSubdirectory("checkpoint").FullName;
        var config = new ReferenceClassifierConfig() with { Channels1 = 2, Channels2 = 2, Features = 4 };
        string path = Path.Combine(folder, "c.bin");
        ClassifierCheckpoint.Save(new ReferenceClassifier(config), new ClassifierManifest(config, 10, 1, 1, 0.5, ""), path);
        string weightsBefore = ClassifierCheckpoint.Sha256Of(path), manifestBefore = File.ReadAllText(ClassifierCheckpoint.ManifestPath(path));
        Directory.CreateDirectory(ClassifierCheckpoint.ManifestPath(path) + ".partial");   // the manifest's temporary file cannot be written
        var e = Assert.Throws<CheckpointException>(() => ClassifierCheckpoint.Save(new ReferenceClassifier(config with { Seed = 4 }), new ClassifierManifest(config, 10, 1, 1, 0.5, ""), path));
        Assert.Contains("previous checkpoint is unchanged", e.Message);
        Assert.Equal(weightsBefore, ClassifierCheckpoint.Sha256Of(path));
        Assert.Equal(manifestBefore, File.ReadAllText(ClassifierCheckpoint.ManifestPath(path)));
        Assert.Equal(["c.bin", "c.json", "c.json.partial"], Directory.GetFileSystemEntries(folder).Select(f => Path.GetFileName(f)!).Order().ToArray());
        ClassifierCheckpoint.Load(path, config);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Save_then_load_gives_the_same_network_and_leaves_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("checkpoint").FullName;
        var config = new ReferenceClassifierConfig() with { Channels1 = 4, Channels2 = 4, Features = 8, Seed = 3 };
        Workbook.Runtime.Seeds.Global(3);
        var original = new ReferenceClassifier(config);
        var manifest = ClassifierCheckpoint.Save(original, new ClassifierManifest(config, 10, 1.5, 1, 0.5, ""), Path.Combine(folder, "c.bin"));
        var (loaded, readBack) = ClassifierCheckpoint.Load(Path.Combine(folder, "c.bin"), config);
        var x = rand([3, 1, 14, 14], generator: new Generator(0));
        Assert.True(original.forward(x).allclose(loaded.forward(x), 0, 0));
        Assert.Equal(manifest, readBack with { Config = manifest.Config });
        Assert.Equal(config, readBack.Config);
        Assert.Equal(["c.bin", "c.json"], Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).Order().ToArray());
        Directory.Delete(folder, true);
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
