// The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian (mean and
// covariance): the "FID" recipe, computed in float64 with symmetric eigen-decompositions. Chapter 5.
using static TorchSharp.torch;

namespace Workbook.Metrics;

/// <summary>Mean (D) and covariance (D, D) of a set of feature vectors, in float64, and how many vectors there were.</summary>
public sealed record FeatureStatistics(Tensor Mean, Tensor Covariance, long Count)
{
    /// <summary>Statistics of features (N, D); the covariance divides by N - 1.</summary>
    public static FeatureStatistics Of(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
            throw new ArgumentException($"expected features of shape (N, D) with N >= 2; got ({string.Join(", ", features.shape)}).");
        using var scope = NewDisposeScope();
        var x = features.detach().to(CPU).to(float64);            // (N, D)
        var mean = x.mean([0]);                                     // (D)
        var centred = x - mean;
        var covariance = centred.t().matmul(centred) / (x.shape[0] - 1); // (D, D)
        return new FeatureStatistics(mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope(), x.shape[0]);
    }
}

public static class FrechetDistance
{
    /// <summary>
    /// d² = ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2 Tr( (Σ1^½ Σ2 Σ1^½)^½ ): the squared Wasserstein-2 distance between
    /// the Gaussians N(μ1, Σ1) and N(μ2, Σ2) (Dowson and Landau 1982; Heusel et al. 2017, eq. 6, "FID").
    /// Both square roots are of symmetric positive semi-definite matrices, taken by eigen-decomposition.
    /// </summary>
    public static double Between(FeatureStatistics a, FeatureStatistics b)
    {
        if (!a.Mean.shape.SequenceEqual(b.Mean.shape))
            throw new ArgumentException($"the two sets have different feature sizes: {a.Mean.shape[0]} and {b.Mean.shape[0]}.");
        using var scope = NewDisposeScope();
        var meanTerm = (a.Mean - b.Mean).pow(2).sum().item<double>();
        var rootA = SymmetricSqrt(a.Covariance);
        var middle = rootA.matmul(b.Covariance).matmul(rootA);     // Σ1^½ Σ2 Σ1^½: symmetric PSD
        var traceOfRoot = SymmetricEigenvalues(middle).clamp_min(0).sqrt().sum().item<double>();
        double d2 = meanTerm + a.Covariance.trace().item<double>() + b.Covariance.trace().item<double>() - 2 * traceOfRoot;
        return Math.Max(d2, 0); // rounding can leave a tiny negative number for identical sets
    }

    /// <summary>Fréchet distance between two sets of feature vectors (N1, D) and (N2, D).</summary>
    public static double Between(Tensor featuresA, Tensor featuresB) =>
        Between(FeatureStatistics.Of(featuresA), FeatureStatistics.Of(featuresB));

    /// <summary>The symmetric square root of a symmetric positive semi-definite matrix: Q diag(√λ) Qᵀ.</summary>
    public static Tensor SymmetricSqrt(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var m = matrix.to(float64);
        var (values, vectors) = linalg.eigh((m + m.t()) / 2);      // symmetrise away rounding error first
        var root = vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
        return root.MoveToOuterDisposeScope();
    }

    static Tensor SymmetricEigenvalues(Tensor matrix) => linalg.eigvalsh((matrix + matrix.t()) / 2);
}
