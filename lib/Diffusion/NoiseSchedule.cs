// The noise schedule of a diffusion model: how much noise each forward step adds (betas), what
// survives a step (alphas) and what survives all steps up to t (alphaBar). Chapter 6.
// It knows nothing of any model; samplers and training read it. Immutable: numbers, not tensors.
using Workbook.Runtime;
using static TorchSharp.torch;

namespace Workbook.Diffusion;

public sealed class NoiseSchedule
{
    readonly double[] betas, alphas, alphaBars;

    /// <summary>A name for captions, e.g. "linear 1e-04..0.02".</summary>
    public string Name { get; }

    /// <summary>T, the number of forward steps; steps are numbered t = 0 .. T-1.</summary>
    public int Steps => betas.Length;

    /// <summary>beta_t: the variance of the noise added at step t.</summary>
    public IReadOnlyList<double> Betas => betas;

    /// <summary>alpha_t = 1 - beta_t: the share of variance a step keeps.</summary>
    public IReadOnlyList<double> Alphas => alphas;

    /// <summary>alphaBar_t = alpha_0 * ... * alpha_t: the share of the clean image's variance left at step t.</summary>
    public IReadOnlyList<double> AlphaBars => alphaBars;

    /// <summary>alphaBar before step t: 1 for t = -1 (the clean image), else alphaBar_t.</summary>
    public double AlphaBar(int t) => t < 0 ? 1.0 : alphaBars[t];

    NoiseSchedule(string name, double[] betas)
    {
        for (int t = 0; t < betas.Length; t++)
            if (!(betas[t] > 0 && betas[t] < 1))
                throw new HyperparameterException($"beta at step {t} = {betas[t]}: every beta must lie strictly between 0 and 1.");
        Name = name;
        this.betas = betas;
        alphas = betas.Select(b => 1 - b).ToArray();
        alphaBars = new double[betas.Length];
        double product = 1;
        for (int t = 0; t < betas.Length; t++) alphaBars[t] = product *= alphas[t];
    }

    /// <summary>
    /// Betas rising in a straight line from <paramref name="betaStart"/> to <paramref name="betaEnd"/>
    /// (Ho et al. 2020 use T = 1000, 1e-4 to 0.02).
    /// </summary>
    public static NoiseSchedule Linear(int steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02)
    {
        Check.InRange("steps", steps, 1, 100_000);
        Check.InRange("betaStart", betaStart, 1e-8, 0.999);
        Check.InRange("betaEnd", betaEnd, betaStart, 0.999);
        var betas = Enumerable.Range(0, steps).Select(t => steps == 1 ? betaEnd : betaStart + (betaEnd - betaStart) * t / (steps - 1)).ToArray();
        return new NoiseSchedule($"linear {betaStart:G2}..{betaEnd:G2}", betas);
    }

    /// <summary>
    /// alphaBar follows a squared cosine from 1 to 0 (Nichol and Dhariwal 2021, eq. 17), so the image
    /// fades more evenly over the steps; betas are capped at <paramref name="maxBeta"/>.
    /// </summary>
    public static NoiseSchedule Cosine(int steps = 1000, double offset = 0.008, double maxBeta = 0.999)
    {
        Check.InRange("steps", steps, 1, 100_000);
        Check.InRange("offset", offset, 0.0, 1.0);
        Check.InRange("maxBeta", maxBeta, 1e-6, 0.999);
        double F(double s) => Math.Pow(Math.Cos((s / steps + offset) / (1 + offset) * Math.PI / 2), 2);
        var betas = Enumerable.Range(0, steps).Select(t => Math.Min(1 - F(t + 1) / F(t), maxBeta)).ToArray();
        return new NoiseSchedule($"cosine s={offset:G2}", betas);
    }

    /// <summary>The schedule named "linear" or "cosine" with its default settings and T = <paramref name="steps"/>.</summary>
    public static NoiseSchedule Named(string name, int steps) => name switch
    {
        "linear" => Linear(steps, 1e-4 * 1000 / steps, Math.Min(0.02 * 1000 / steps, 0.999)),
        "cosine" => Cosine(steps),
        _ => throw new HyperparameterException($"schedule = '{name}' is not known. Allowed: linear, cosine."),
    };

    /// <summary>
    /// Jumps straight to step t (Ho et al. 2020, eq. 4): x_t = sqrt(alphaBar_t) x0 + sqrt(1 - alphaBar_t) eps.
    /// x0 and eps are (B, C, H, W); t is (B) int64, one step per example.
    /// </summary>
    public Tensor AddNoise(Tensor x0, Tensor eps, Tensor t)
    {
        using var scope = NewDisposeScope();
        var alphaBar = Gather(alphaBars, t, x0);                  // (B, 1, 1, 1)
        return (alphaBar.sqrt() * x0 + (1 - alphaBar).sqrt() * eps).MoveToOuterDisposeScope();
    }

    /// <summary>Per-example values of <paramref name="values"/>[t] shaped (B, 1, 1, 1) to broadcast over <paramref name="like"/>.</summary>
    internal static Tensor Gather(double[] values, Tensor t, Tensor like)
    {
        var table = tensor(values, dtype: like.dtype, device: like.device);
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = t.shape[0];
        return table.index_select(0, t.to(int64).to(like.device)).view(shape);
    }

    /// <summary>alphaBar of the step before each t (1 where t = 0): the table shifted by one.</summary>
    internal double[] AlphaBarsBefore => alphaBars.Prepend(1.0).Take(Steps).ToArray();

    public override string ToString() => $"{Name}, T = {Steps}: alphaBar at the last step {alphaBars[^1]:G3}";
}
