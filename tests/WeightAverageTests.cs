// The moving average of weights that diffusion models are sampled from: the update rule against a
// hand computation, its warm-up, that training leaves the average (not the last weights) in the
// model, and that a decay of 0 means "no averaging".
using Workbook.Diffusion;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

public class WeightAverageTests
{
    static Tensor Weight(nn.Module model) => model.parameters().First().detach().clone();

    [Fact]
    public void Update_moves_the_average_towards_the_weights_with_the_warmed_up_decay()
    {
        var model = nn.Linear(3, 2);
        var start = Weight(model);
        var average = new WeightAverage(model, decay: 0.999);
        using (no_grad()) model.parameters().First().add_(1.0);            // the "optimiser" moves every weight by 1
        average.Update();                                                  // first update: decay min(0.999, 2/11)
        average.CopyToModel();
        double decay = 2.0 / 11.0;
        var expected = start * decay + (start + 1) * (1 - decay);
        Assert.True(Weight(model).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void After_the_warm_up_the_decay_is_the_configured_one()
    {
        var model = nn.Linear(1, 1, hasBias: false);
        float start = Weight(model).item<float>();
        var average = new WeightAverage(model, decay: 0.9);
        for (int i = 0; i < 100; i++) average.Update();                    // weights unchanged: the average stays at them
        using (no_grad()) model.parameters().First().add_(10.0);
        average.Update();                                                  // 101st update: min(0.9, 102/111) = 0.9
        average.CopyToModel();
        Assert.Equal(start + 1.0, Weight(model).item<float>(), 4);          // moved a tenth of the way
    }

    [Fact]
    public void Training_leaves_the_average_in_the_net_and_decay_zero_leaves_the_last_weights()
    {
        var data = SyntheticData.Digits(64, seed: 3);
        var config = new DiffusionConfig(ImageSize: 8, TimeSteps: 20, Channels: 8, TimeEmbedding: 8, TrainingSteps: 30, BatchSize: 8);
        var averaged = DiffusionTraining.Build(config);
        DiffusionTraining.Train(averaged, config, data);
        var last = DiffusionTraining.Build(config with { AverageDecay = 0 });
        DiffusionTraining.Train(last, config with { AverageDecay = 0 }, data);
        // Same seed, same batches, same one thread: the two runs' last weights agree, so any difference is the averaging.
        double difference = averaged.parameters().Zip(last.parameters()).Max(p => (p.First - p.Second).abs().max().item<float>());
        Assert.True(difference > 1e-4, $"averaged and last weights differ by only {difference}");
    }

    [Fact]
    public void Decay_must_lie_in_0_to_below_1()
    {
        foreach (double bad in new[] { -0.1, 1.0, double.NaN })
        {
            Assert.Contains("AverageDecay", Assert.Throws<HyperparameterException>(() => new DiffusionConfig(AverageDecay: bad).Validate()).Message);
            Assert.Throws<HyperparameterException>(() => new WeightAverage(nn.Linear(1, 1), bad));
        }
        Assert.Contains("AverageDecay", Assert.Throws<HyperparameterException>(() => new Workbook.Conditioning.ConditionalDiffusionConfig(AverageDecay: 1.5).Validate()).Message);
    }
}
