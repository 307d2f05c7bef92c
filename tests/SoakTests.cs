// Long loops keep memory flat: every sampling loop and every chapter's training loop leaves no
// tensors behind per step. Counting live tensors on the test's thread is exact and immediate
// (resident memory only shows a leak after megabytes), so removing a dispose from any of these
// loops makes its test fail.
using Workbook.Autoregression;
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;
using Workbook.Models;

namespace Workbook.Tests;

[Collection("serial")]
public class SoakTests
{
    static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>How many tensors <paramref name="run"/> leaves alive (results it returns are disposed by it).</summary>
    static long Leftover(Action run)
    {
        run();                                        // warm up: lazily created constants, caches
        long before = LiveTensors();
        run();
        return LiveTensors() - before;
    }

    [Fact]
    public void Diffusion_samplers_leave_no_tensor_behind_per_step()
    {
        var schedule = NoiseSchedule.Linear(200);
        Func<Tensor, Tensor, Tensor> model = (x, t) => x * 0.1;                       // any function of x_t
        foreach (Sampler sampler in new Sampler[] { new DdpmSampler(schedule, PredictionTarget.Noise), new DdimSampler(schedule, PredictionTarget.Noise, 50) })
        {
            long left = Leftover(() => sampler.Generate(model, [4, 1, 8, 8], Seeds.Generator(1)).Images.Dispose());
            Assert.True(left <= 0, $"{sampler.GetType().Name}: {left} tensors left alive after one run of {sampler.Timesteps.Count} steps");
        }
    }

    [Fact]
    public void Guided_sampling_leaves_no_tensor_behind_per_step()
    {
        var net = new UNet(channels: 8, timeDim: 8, conditionShape: [4]);
        var sampler = new DdimSampler(NoiseSchedule.Linear(100), PredictionTarget.Noise, 30);
        var condition = randn(3, 4);
        long left = Leftover(() => GuidedSampling.Generate(sampler, net, condition, 3, 8, Seeds.Generator(2)).Images.Dispose());
        Assert.True(left <= 0, $"{left} tensors left alive after 30 guided steps");
    }

    [Fact]
    public void Pixel_samplers_leave_no_tensor_behind_per_step()
    {
        var model = AnyOrderTraining.Build(new AnyOrderModelConfig(ImageSize: 8, Hidden: 16));
        long left = Leftover(() =>
        {
            var order = PixelOrders.Random(4, 8, 8, 64, Seeds.Generator(3));
            model.Generate(order, new Generator(1)).Levels.Dispose();
            order.StepOfPixel.Dispose();
        });
        Assert.True(left <= 0, $"any-order sampler: {left} tensors left alive after 64 steps");

        PixelPredictor uniform = PixelPredictors.OnePixelAt((canvas, _) => zeros(canvas.shape[0], 4), 4);
        left = Leftover(() =>
        {
            var order = PixelOrders.Raster(4, 8, 8);
            PixelSampler.Generate(uniform, order, 4, new SamplingConfig(), Seeds.Generator(4)).Levels.Dispose();
            order.StepOfPixel.Dispose();
        });
        Assert.True(left <= 0, $"pixel-by-pixel sampler: {left} tensors left alive after 64 steps");
    }

    /// <summary>Tensors left alive by a training run of <paramref name="steps"/> steps, beyond what one of 5 steps leaves.</summary>
    static long GrowthWithSteps(Func<int, TrainingHistory> train, int steps)
    {
        train(5);
        long before = LiveTensors();
        train(5);
        long shortRun = LiveTensors() - before;      // model, optimiser state, averages: a fixed cost per run
        before = LiveTensors();
        train(steps);
        return LiveTensors() - before - shortRun;    // anything beyond it grew with the steps
    }

    [Fact]
    public void Every_training_loop_keeps_the_tensor_count_flat_over_hundreds_of_steps()
    {
        var data = SyntheticData.Digits(256, seed: 11);
        var diffusion = new DiffusionConfig(ImageSize: 8, TimeSteps: 50, Channels: 8, TimeEmbedding: 8, BatchSize: 8);
        Assert.Equal(0, GrowthWithSteps(n => DiffusionTraining.Train(DiffusionTraining.Build(diffusion with { TrainingSteps = n }), diffusion with { TrainingSteps = n }, data), 200));

        var conditional = new ConditionalDiffusionConfig(ImageSize: 8, TimeSteps: 50, Channels: 8, TimeEmbedding: 8, ConditionDim: 4, BatchSize: 8);
        Assert.Equal(0, GrowthWithSteps(n => new TextConditionalModel(conditional).Train(conditional with { TrainingSteps = n }, data), 200));

        var anyOrder = new AnyOrderModelConfig(ImageSize: 8, Hidden: 16, BatchSize: 8);
        var levels = PixelLevels.Quantize(data.Images, anyOrder.Levels);
        Assert.Equal(0, GrowthWithSteps(n => AnyOrderTraining.Train(AnyOrderTraining.Build(anyOrder with { Steps = n }), levels), 200));
    }
}
