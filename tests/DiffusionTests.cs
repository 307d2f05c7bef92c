// The diffusion library against independent references: schedules against hand loops and closed
// forms, conversions against Gaussian conditioning, samplers against a one-image "perfect" model,
// a seeded loop against a golden value, the U-Net's shapes and its GroupNorm initialisation.
using Workbook.Diffusion;
using Workbook.Models;
using Workbook.Runtime;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class DiffusionTests
{
    [Fact]
    public void Linear_schedule_has_the_stated_ends_and_alphaBar_is_the_running_product()
    {
        var schedule = NoiseSchedule.Linear(1000, 1e-4, 0.02);
        Assert.Equal(1e-4, schedule.Betas[0], 12);
        Assert.Equal(0.02, schedule.Betas[999], 12);
        Assert.Equal(1e-4 + (0.02 - 1e-4) * 500 / 999, schedule.Betas[500], 12);
        double product = 1;
        for (int t = 0; t < 1000; t++)
        {
            product *= 1 - (1e-4 + (0.02 - 1e-4) * t / 999);   // hand loop from the formula, not from the schedule
            Assert.Equal(product, schedule.AlphaBars[t], 12);
        }
        Assert.InRange(schedule.AlphaBars[999], 3e-5, 5e-5);   // Ho et al.'s schedule ends near 4e-5
    }

    [Fact]
    public void Cosine_schedule_follows_its_closed_form()
    {
        var schedule = NoiseSchedule.Cosine(1000, 0.008);
        double F(double t) => Math.Pow(Math.Cos((t / 1000 + 0.008) / 1.008 * Math.PI / 2), 2);
        foreach (int t in new[] { 0, 100, 500, 900 })
            Assert.Equal(F(t + 1) / F(0), schedule.AlphaBars[t], 9);
        Assert.True(schedule.Betas.Zip(schedule.Betas.Skip(1)).All(p => p.First <= p.Second + 1e-12), "cosine betas rise");
    }

    [Fact]
    public void AddNoise_at_the_first_step_is_almost_the_clean_image_and_matches_the_formula()
    {
        Seeds.Global(1);
        var g = Seeds.Generator(1);
        var schedule = NoiseSchedule.Linear();
        var x0 = rand([4, 1, 5, 5], generator: g) * 2 - 1;
        var eps = randn([4, 1, 5, 5], generator: g);
        var xt = schedule.AddNoise(x0, eps, zeros(4, dtype: int64));
        Assert.True((xt - x0).abs().max().item<float>() < 0.06f);
        var expected = Math.Sqrt(1 - 1e-4) * x0 + 0.01 * eps;
        Assert.True(xt.allclose(expected, 1e-5, 1e-5), $"largest difference {(xt - expected).abs().max().item<float>()}");

        var mixed = schedule.AddNoise(x0, eps, tensor(new long[] { 0, 10, 500, 999 }));   // one step per example
        double alphaBar = schedule.AlphaBars[500];
        Assert.True(mixed[2].allclose(Math.Sqrt(alphaBar) * x0[2] + Math.Sqrt(1 - alphaBar) * eps[2], 1e-5, 1e-6));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Scale_then_add_ends_at_mean_0_and_variance_1_whatever_the_start(double start)
    {
        Seeds.Global(2);
        var g = Seeds.Generator(2);
        var schedule = NoiseSchedule.Linear();
        var x = full([20_000], start);
        for (int t = 0; t < schedule.Steps; t++)
            x = Math.Sqrt(schedule.Alphas[t]) * x + Math.Sqrt(schedule.Betas[t]) * randn([20_000], generator: g);
        Assert.InRange(x.mean().item<float>(), -0.03, 0.03);
        Assert.InRange(x.var().item<float>(), 0.96, 1.04);
    }

    [Fact]
    public void Noise_and_clean_image_conversions_invert_each_other()
    {
        Seeds.Global(3);
        var g = Seeds.Generator(3);
        var schedule = NoiseSchedule.Cosine(200);
        var x0 = rand([2, 1, 4, 4], generator: g) * 2 - 1;
        var eps = randn([2, 1, 4, 4], generator: g);
        foreach (int t in new[] { 0, 50, 199 })
        {
            var xt = schedule.AddNoise(x0, eps, full([2], t, int64));
            Assert.True(Predictions.CleanFromNoise(schedule, xt, eps, t).allclose(x0, 1e-3, 1e-3), $"x0 from eps at t = {t}");
            Assert.True(Predictions.NoiseFromClean(schedule, xt, x0, t).allclose(eps, 1e-3, 1e-3), $"eps from x0 at t = {t}");
            var previous = Predictions.PreviousFromClean(schedule, xt, x0, t);
            Assert.True(Predictions.CleanFromPrevious(schedule, xt, previous, t).allclose(x0, 1e-3, 1e-3), $"x0 from x_(t-1) at t = {t}");
        }
    }

    [Fact]
    public void Posterior_mean_matches_Gaussian_conditioning()
    {
        // x_{t-1} ~ N(sqrt(aB') x0, 1 - aB') and x_t | x_{t-1} ~ N(sqrt(alpha) x_{t-1}, beta): the posterior mean
        // is the precision-weighted combination of the two (independent of Ho et al.'s closed form).
        var schedule = NoiseSchedule.Linear(100, 1e-3, 0.05);
        foreach (int t in new[] { 1, 40, 99 })
        {
            double before = schedule.AlphaBars[t - 1], alpha = schedule.Alphas[t], beta = schedule.Betas[t];
            double precision = 1 / (1 - before) + alpha / beta;
            double x0 = 0.7, xt = -0.3;
            double expected = (Math.Sqrt(before) * x0 / (1 - before) + Math.Sqrt(alpha) * xt / beta) / precision;
            var mean = Predictions.PreviousFromClean(schedule, tensor(xt), tensor(x0), t).item<double>();
            Assert.Equal(expected, mean, 5);
        }
    }

    [Fact]
    public void Samplers_visit_the_expected_steps()
    {
        var schedule = NoiseSchedule.Linear();
        Assert.Equal(new[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 }, new DdimSampler(schedule, PredictionTarget.Noise, 10).Timesteps);
        Assert.Equal(Enumerable.Range(0, 1000).Reverse(), new DdpmSampler(schedule, PredictionTarget.Noise).Timesteps);
        Assert.Throws<HyperparameterException>(() => new DdimSampler(schedule, PredictionTarget.Noise, 1001));
    }

    [Theory]
    [InlineData(PredictionTarget.CleanImage)]
    [InlineData(PredictionTarget.Noise)]
    [InlineData(PredictionTarget.PreviousSample)]
    public void With_a_perfect_model_of_a_one_image_dataset_every_sampler_returns_that_image(PredictionTarget target)
    {
        // If the data is a single image c, the ideal network knows x0 = c at every step.
        var schedule = NoiseSchedule.Linear(100, 1e-3, 0.05);
        var c = tensor(new float[] { -1, -0.5f, 0.25f, 1 }, [1, 1, 2, 2]);
        Tensor Ideal(Tensor xt, Tensor t)
        {
            int step = (int)t[0].item<long>();
            var x0 = c.expand_as(xt);
            return target switch
            {
                PredictionTarget.CleanImage => x0,
                PredictionTarget.Noise => Predictions.NoiseFromClean(schedule, xt, x0, step),
                _ => Predictions.PreviousFromClean(schedule, xt, x0, step),
            };
        }
        foreach (Sampler sampler in new Sampler[] { new DdpmSampler(schedule, target), new DdimSampler(schedule, target, 7) })
        {
            int calls = 0;
            var run = sampler.Generate((xt, t) => { calls++; return Ideal(xt, t); }, [3, 1, 2, 2], Seeds.Generator(4), snapshots: 3);
            Assert.True(run.Images.allclose(c.expand(3, 1, 2, 2), 1e-3, 1e-3), $"{sampler.GetType().Name}, {target}");
            Assert.Equal(3, run.Snapshots.Count);
            Assert.Equal(sampler.Timesteps.Count, calls);          // one network call per visited step ...
            Assert.Equal(calls, run.Evaluations);                  // ... and the run reports the calls it made
        }
    }

    [Fact]
    public void A_given_start_replaces_the_drawn_noise_and_a_wrong_shape_is_named()
    {
        var schedule = NoiseSchedule.Linear(20, 1e-4, 0.02);
        var ddim = new DdimSampler(schedule, PredictionTarget.Noise, 5, clipX0: false);
        Tensor ZeroNoise(Tensor xt, Tensor t) => zeros_like(xt);
        var start = full([2, 1, 3, 3], 0.5f);
        var fromStart = ddim.Generate(ZeroNoise, [2, 1, 3, 3], Seeds.Generator(1), snapshots: 5, start: start);
        Assert.True(fromStart.Snapshots[0].Xt.allclose(start));                     // the first state is the start itself
        var drawn = ddim.Generate(ZeroNoise, [2, 1, 3, 3], Seeds.Generator(1), snapshots: 5);
        Assert.False(drawn.Snapshots[0].Xt.allclose(start));
        Assert.True(start.eq(0.5f).all().item<bool>());                             // the caller's tensor is left alone
        var error = Assert.Throws<ArgumentException>(() => ddim.Generate(ZeroNoise, [2, 1, 3, 3], Seeds.Generator(1), start: zeros(1, 1, 3, 3)));
        Assert.Contains("(1, 1, 3, 3)", error.Message);
    }

    [Theory]
    [InlineData("ddpm")]
    [InlineData("ddim 1000")]
    [InlineData("ddim 50")]
    [InlineData("ddim 10")]
    public void With_the_ideal_denoiser_of_Gaussian_data_samplers_reproduce_its_mean_and_variance(string which)
    {
        // Data x0 ~ N(mu, s^2), pixel by pixel. Then x_t ~ N(sqrt(aB) mu, aB s^2 + 1 - aB), and the ideal clean-image
        // prediction is linear: E[x0 | x_t] = mu + g_t (x_t - sqrt(aB) mu), g_t = sqrt(aB) s^2 / (aB s^2 + 1 - aB). Every
        // intermediate step matters here (unlike a one-image dataset, where the last step returns x0 whatever
        // came before): a wrong sigma_t or a wrong DDIM step shows as a wrong mean or spread of the samples.
        const double mu = 0.3, s = 0.4;
        var schedule = NoiseSchedule.Linear(1000, 1e-4, 0.02);
        double Gain(int t) { double aB = schedule.AlphaBar(t); return Math.Sqrt(aB) * s * s / (aB * s * s + 1 - aB); }
        Tensor Ideal(Tensor xt, Tensor t)
        {
            int step = (int)t[0].item<long>();
            return mu + Gain(step) * (xt - Math.Sqrt(schedule.AlphaBar(step)) * mu);
        }
        Sampler sampler = which == "ddpm" ? new DdpmSampler(schedule, PredictionTarget.CleanImage, clipX0: false)
            : new DdimSampler(schedule, PredictionTarget.CleanImage, int.Parse(which.Split(' ')[1]), clipX0: false);
        var x = sampler.Generate(Ideal, [20_000, 1, 1, 1], Seeds.Generator(8)).Images.to(float64);
        double mean = x.mean().item<double>(), std = x.std().item<double>();

        // What the sampler should give. DDPM with all 1000 steps, and DDIM with all of them, follow the reverse
        // process closely: mean mu, spread s. DDIM with few steps is a coarse solver of its ODE: with the ideal
        // prediction each step is the linear map x_prev = sqrt(aB') x0_hat + sqrt(1 - aB') eps_hat, whose mean and
        // spread we follow here in doubles, from N(0, 1) (measured: spread 0.37 at 50 steps, 0.28 at 10; fewer
        // steps give less varied samples).
        double expectedMean = mu, expectedStd = s;
        if (sampler is DdimSampler)
        {
            double m = 0, sd = 1;
            var steps = sampler.Timesteps;
            for (int i = 0; i < steps.Count; i++)
            {
                int t = steps[i], next = i + 1 < steps.Count ? steps[i + 1] : -1;
                double aB = schedule.AlphaBar(t), aBNext = schedule.AlphaBar(next), g = Gain(t);
                double slope = Math.Sqrt(aBNext) * g + Math.Sqrt(1 - aBNext) * (1 - Math.Sqrt(aB) * g) / Math.Sqrt(1 - aB);
                double x0AtZero = mu - g * Math.Sqrt(aB) * mu;                                 // x0_hat where x_t = 0
                double offset = Math.Sqrt(aBNext) * x0AtZero - Math.Sqrt(1 - aBNext) * Math.Sqrt(aB) * x0AtZero / Math.Sqrt(1 - aB);
                (m, sd) = (slope * m + offset, Math.Abs(slope) * sd);
            }
            (expectedMean, expectedStd) = (m, sd);
            if (steps.Count == 1000) Assert.True(Math.Abs(sd / s - 1) < 0.02, $"the reference itself: DDIM with every step should keep the spread, gives {sd:F4}");
        }
        // 20,000 draws: the mean's standard error is s / 141 = 0.003, the spread's about 0.5 %.
        Assert.True(Math.Abs(mean - expectedMean) < 0.015, $"{which}: sample mean {mean:F4}, expected {expectedMean:F4}");
        Assert.True(Math.Abs(std / expectedStd - 1) < 0.03, $"{which}: sample spread {std:F4}, expected {expectedStd:F4} (data spread {s})");
    }

    [Fact]
    public void DDPM_posterior_variance_matches_the_published_values()
    {
        // Ho et al.'s schedule (linear 1e-4 .. 0.02, T = 1000), as diffusers' DDPMScheduler computes it
        // ("fixed_small"): sigma^2_0 = 0, sigma^2_487 = 0.00979, sigma^2_999 = 0.02 (to the digits shown).
        var ddpm = new DdpmSampler(NoiseSchedule.Linear(1000, 1e-4, 0.02), PredictionTarget.Noise);
        Assert.Equal(0.0, ddpm.PosteriorVariance(0), 12);
        Assert.Equal(0.00979, ddpm.PosteriorVariance(487), 5);
        Assert.Equal(0.02, ddpm.PosteriorVariance(999), 4);
    }

    [Theory]
    [InlineData(PredictionTarget.Noise)]
    [InlineData(PredictionTarget.CleanImage)]
    [InlineData(PredictionTarget.PreviousSample)]
    public void Training_examples_are_noised_as_the_forward_process_says(PredictionTarget target)
    {
        var schedule = NoiseSchedule.Linear(200, 1e-3, 0.05);
        var x0 = full([4000, 1, 2, 2], 0.5);                       // one clean image, many draws of t and noise
        var example = TrainingExamples.Make(schedule, target, x0, Seeds.Generator(9));
        var t = example.T;
        Assert.True(t.min().item<long>() >= 0 && t.max().item<long>() < 200, "steps lie in 0 .. T-1");
        var alphaBar = tensor(schedule.AlphaBars.ToArray(), float32).index_select(0, t).view(-1, 1, 1, 1);
        // Standardised noise: (x_t - sqrt(aB_t) x0) / sqrt(1 - aB_t) must be standard normal whatever the target.
        var z = (example.Xt - alphaBar.sqrt() * x0) / (1 - alphaBar).sqrt();
        Assert.InRange(z.mean().item<float>(), -0.03, 0.03);
        Assert.InRange(z.var().item<float>(), 0.95, 1.05);
        switch (target)
        {
            case PredictionTarget.Noise:            // x_t = AddNoise(x0, label, t) exactly
                Assert.True(example.Xt.allclose(schedule.AddNoise(x0, example.Target, t), 1e-5, 1e-6));
                break;
            case PredictionTarget.CleanImage:       // the label is x0 itself
                Assert.True(example.Target.eq(x0).all().item<bool>());
                break;
            default:                                // label x_(t-1) ~ N(sqrt(aB_(t-1)) x0, 1 - aB_(t-1)), and x_t one step on from it
                var before = tensor(schedule.AlphaBars.Prepend(1.0).Take(200).ToArray(), float32).index_select(0, t).view(-1, 1, 1, 1);
                var beta = tensor(schedule.Betas.ToArray(), float32).index_select(0, t).view(-1, 1, 1, 1);
                var later = t.gt(0).view(-1, 1, 1, 1).expand_as(x0);
                var zPrevious = ((example.Target - before.sqrt() * x0) / (1 - before).sqrt().clamp_min(1e-6)).masked_select(later);
                Assert.InRange(zPrevious.mean().item<float>(), -0.03, 0.03);
                Assert.InRange(zPrevious.var().item<float>(), 0.95, 1.05);
                var zStep = (example.Xt - (1 - beta).sqrt() * example.Target) / beta.sqrt();
                Assert.InRange(zStep.mean().item<float>(), -0.03, 0.03);
                Assert.InRange(zStep.var().item<float>(), 0.95, 1.05);
                Assert.True(example.Target.masked_select(t.eq(0).view(-1, 1, 1, 1).expand_as(x0)).allclose(tensor(0.5f)), "x_(-1) is the clean image");
                break;
        }
    }

    [Fact]
    public void Seeded_sampling_loop_with_a_dummy_model_gives_the_golden_value()
    {
        // A fixed, untrained "model": eps = 0.5 x_t * (t + 1) / T. Any change to the schedule, the step
        // formulas or the order of random draws moves these numbers.
        var schedule = NoiseSchedule.Linear(50, 1e-3, 0.1);
        Tensor Dummy(Tensor xt, Tensor t) => 0.5 * xt * ((t.to(float32) + 1) / 50).view(-1, 1, 1, 1);
        var ddpm = new DdpmSampler(schedule, PredictionTarget.Noise, clipX0: false).Generate(Dummy, [4, 1, 3, 3], Seeds.Generator(5));
        var ddim = new DdimSampler(schedule, PredictionTarget.Noise, 10, clipX0: false).Generate(Dummy, [4, 1, 3, 3], Seeds.Generator(5));
        Assert.Equal(GoldenDdpm, ddpm.Images.abs().mean().item<float>(), 4);
        Assert.Equal(GoldenDdim, ddim.Images.abs().mean().item<float>(), 4);
    }

    // Recorded from this implementation (TorchSharp 0.107, CPU); tolerance 1e-4.
    const double GoldenDdpm = 1.7068521, GoldenDdim = 2.0801992;

    [Fact]
    public void Time_embedding_is_sines_then_cosines()
    {
        var e = TimeEmbedding.Sinusoidal(tensor(new long[] { 0, 3 }), 8);   // (2, 8)
        Assert.Equal(new long[] { 2, 8 }, e.shape);
        Assert.True(e[0].allclose(tensor(new float[] { 0, 0, 0, 0, 1, 1, 1, 1 })));
        Assert.Equal(Math.Sin(3.0), e[1, 0].item<float>(), 5);                          // highest frequency 1
        Assert.Equal(Math.Cos(3.0 * Math.Pow(10000, -0.25)), e[1, 5].item<float>(), 5);  // second frequency 10000^(-1/4)
    }

    [Fact]
    public void UNet_keeps_the_image_shape_and_its_GroupNorms_start_at_scale_1_shift_0()
    {
        Seeds.Global(6);
        var net = new UNet(channels: 16, timeDim: 32);
        var norms = net.named_parameters().Where(p => p.name.Contains("norm")).ToList();
        Assert.Equal(2 * 11, norms.Count);   // 5 blocks x 2 norms + the output norm, weight and bias each
        foreach (var (name, p) in norms)
            Assert.True(p.allclose(name.EndsWith("weight") ? ones_like(p) : zeros_like(p), 0, 0), $"{name} is not initialised");
        foreach (int size in new[] { 14, 8 })
        {
            var y = net.forward(randn(3, 1, size, size), tensor(new long[] { 0, 5, 999 }));
            Assert.Equal(new long[] { 3, 1, size, size }, y.shape);
            Assert.True(y.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void One_UNet_with_or_without_a_condition_and_the_condition_layers_only_when_asked_for()
    {
        var plain = new UNet(channels: 8, timeDim: 8);
        var prompted = new UNet(channels: 8, timeDim: 8, conditionShape: [4]);
        var sketched = new UNet(channels: 8, timeDim: 8, conditionShape: [1, 4, 4]);
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.Contains("condition"));
        Assert.Equal(plain.named_parameters().Select(p => p.name), prompted.named_parameters().Select(p => p.name).Where(n => !n.Contains("condition")));
        Assert.Contains(prompted.named_parameters(), p => p.name.StartsWith("condition_mlp."));
        Assert.DoesNotContain(sketched.named_parameters(), p => p.name.StartsWith("condition_mlp."));   // a picture enters as channels
        var x = randn(2, 1, 8, 8);
        var t = tensor(new long[] { 3, 7 });
        Assert.Equal(x.shape, plain.forward(x, t).shape);
        Assert.Equal(x.shape, prompted.forward(x, t, randn(2, 4)).shape);
        Assert.Equal(x.shape, sketched.forward(x, t, randn(2, 1, 4, 4)).shape);
        Assert.Contains("takes no condition", Assert.Throws<ArgumentException>(() => plain.forward(x, t, randn(2, 4))).Message);
        Assert.Contains("expects (2, 4)", Assert.Throws<ArgumentException>(() => prompted.forward(x, t)).Message);
    }

    [Fact]
    public void Config_validation_names_the_bad_value()
    {
        new DiffusionConfig().Validate();
        Assert.Contains("ImageSize", Assert.Throws<HyperparameterException>(() => new DiffusionConfig { ImageSize = 15 }.Validate()).Message);
        Assert.Contains("Channels", Assert.Throws<HyperparameterException>(() => new DiffusionConfig { Channels = 12 }.Validate()).Message);
        Assert.Contains("Schedule", Assert.Throws<HyperparameterException>(() => new DiffusionConfig { Schedule = "quadratic" }.Validate()).Message);
        Assert.Contains("LearningRate", Assert.Throws<HyperparameterException>(() => new DiffusionConfig { LearningRate = 0 }.Validate()).Message);
        Assert.Contains("Target", Assert.Throws<HyperparameterException>(() => new DiffusionConfig { Target = (PredictionTarget)7 }.Validate()).Message);
        Assert.Throws<HyperparameterException>(() => NoiseSchedule.Linear(1000, 0.02, 0.01));
    }
}
