// Device choice, seeding, validation messages and the training loop.
using Workbook.Models;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

public class RuntimeTests
{
    [Fact]
    public void Describe_names_the_device_and_the_threads()
    {
        Assert.StartsWith($"TorchSharp on {TorchRuntime.Device.type.ToString().ToLowerInvariant()}, {get_num_threads()} threads", TorchRuntime.Describe());
    }

    [Fact]
    public void An_unknown_TorchDevice_build_stops_with_the_allowed_values()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "msbuild", Path.Combine(Runner.NotebookRun.RepositoryRoot(), "lib", "Workbook.csproj"), "-t:CheckTorchDevice", "-p:TorchDevice=gpu", "-nologo" })
            start.ArgumentList.Add(arg);
        using var build = System.Diagnostics.Process.Start(start)!;
        string output = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("TorchDevice='gpu' is not a build this workbook knows. Allowed: cpu (the default) or cuda.", output);
    }

    [Fact]
    public void Same_seed_gives_identical_models_and_samples_different_seeds_differ()
    {
        Tensor Draw(long seed)
        {
            Seeds.Global(seed);
            var generator = Seeds.Generator(seed);
            var model = new Mlp(4, 8, 2);
            return model.forward(randn([3, 4], generator: generator));
        }
        Assert.True(Draw(7).allclose(Draw(7), 0, 0));
        Assert.False(Draw(7).allclose(Draw(8), 0, 0));
    }

    [Fact]
    public void Native_load_advice_names_the_cause_and_the_fix()
    {
        var failure = new TypeInitializationException("TorchSharp.torch", new DllNotFoundException("GLIBCXX_3.4.32 not found"));
        string advice = TorchRuntime.NativeLoadAdvice(failure);
        Assert.Contains("GLIBCXX_3.4.32 not found", advice);
        Assert.Contains("dotnet build lib", advice);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(-1e-3)]
    [InlineData(2.0)]
    public void Bad_learning_rates_are_refused_with_the_value_and_the_range(double rate)
    {
        var e = Assert.Throws<HyperparameterException>(() => Check.LearningRate("LearningRate", rate));
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("above 0", e.Message);
    }

    [Fact]
    public void Trainer_fits_a_line_and_records_every_loss()
    {
        Seeds.Global(0);
        var generator = Seeds.Generator(0);
        var model = nn.Linear(1, 1);
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        var x = linspace(-1, 1, 64).unsqueeze(1);
        var y = x * 3 + 1; // the line to find: slope 3, intercept 1
        var history = Trainer.Fit(optimizer, 400, _ => nn.functional.mse_loss(model.forward(x), y));
        Assert.Equal(400, history.Losses.Count);
        Assert.True(history.FinalLoss() < 1e-3, $"final loss {history.FinalLoss()}");
        Assert.Equal(3.0, model.weight!.item<float>(), 1);
        Assert.Equal(1.0, model.bias!.item<float>(), 1);
    }

    [Fact]
    public void Trainer_stops_at_cancellation_and_a_later_run_continues()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var cancel = new CancellationTokenSource();
        var history = Trainer.Fit(optimizer, 1000, step =>
        {
            if (step == 9) cancel.Cancel();
            return model.forward(ones(4, 1)).pow(2).mean();
        }, cancellation: cancel.Token);
        Assert.Equal(10, history.Losses.Count);
        var again = Trainer.Fit(optimizer, 5, _ => model.forward(ones(4, 1)).pow(2).mean());
        Assert.Equal(5, again.Losses.Count);
        Assert.True(again.Losses[^1] < history.Losses[0]);
    }

    [Fact]
    public void A_cancelled_training_says_so_and_at_which_step_and_its_last_report_arrives()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var cancel = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var history = Trainer.Fit(optimizer, 1000, step =>
        {
            if (step == 9) cancel.Cancel();
            return model.forward(ones(4, 1)).pow(2).mean();
        }, new SynchronousProgress(reports.Add), cancel.Token);
        Assert.True(history.Cancelled);
        Assert.Equal((10, 1000), (history.Losses.Count, history.StepsPlanned));
        Assert.True(reports[^1].Cancelled);
        Assert.Equal((10, 1000), (reports[^1].Step, reports[^1].Steps));
        Assert.Contains("cancelled at step 10 of 1000", ConsoleProgress.Line("test", reports[^1]));

        var complete = Trainer.Fit(optimizer, 3, _ => model.forward(ones(4, 1)).pow(2).mean());
        Assert.False(complete.Cancelled);
        Assert.Equal(3, complete.StepsPlanned);
    }

    sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void Trainer_does_not_reserve_memory_for_steps_it_has_not_run()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        using var cancel = new CancellationTokenSource();
        var history = Trainer.Fit(optimizer, int.MaxValue, step =>
        {
            if (step == 2) cancel.Cancel();
            return model.forward(ones(4, 1)).pow(2).mean();
        }, cancellation: cancel.Token);
        Assert.Equal(3, history.Losses.Count);
    }

    [Fact]
    public void Trainer_reports_divergence_in_words()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var e = Assert.Throws<InvalidOperationException>(() => Trainer.Fit(optimizer, 3, _ => model.forward(ones(1, 1)).sum() * float.NaN));
        Assert.Contains("learning rate", e.Message);
    }
}

public class FlopCounterTests
{
    [Fact]
    public void Counts_two_flops_per_multiply_add_in_linear_and_conv_layers()
    {
        var linear = nn.Linear(10, 4);
        Assert.Equal(2.0 * 3 * 10 * 4, Workbook.Benchmarks.FlopCounter.Forward(linear, () => linear.call(zeros(3, 10))));   // B=3

        var conv = nn.Conv2d(2, 5, kernel_size: 3, padding: 1);
        // Output (1, 5, 6, 6); each output value sums 2 x 3 x 3 products.
        Assert.Equal(2.0 * 5 * 6 * 6 * 2 * 3 * 3, Workbook.Benchmarks.FlopCounter.Forward(conv, () => conv.call(zeros(1, 2, 6, 6))));

        var model = new Workbook.Models.Mlp(8, 16, 2, hiddenLayers: 1);
        Assert.Equal(2.0 * (8 * 16 + 16 * 2), Workbook.Benchmarks.FlopCounter.Forward(model, () => model.forward(zeros(1, 8))));
        // Hooks are removed afterwards: a second count is the same, not doubled.
        Assert.Equal(2.0 * (8 * 16 + 16 * 2), Workbook.Benchmarks.FlopCounter.Forward(model, () => model.forward(zeros(1, 8))));
    }
}

public class NonFiniteGradientTests
{
    [Fact]
    public void A_step_with_a_nan_gradient_is_skipped_and_leaves_the_weights_alone()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var weights = new List<float>();
        var history = Workbook.Training.Trainer.Fit(optimizer, 6, step =>
        {
            weights.Add(model.weight!.item<float>());
            var output = model.forward(ones(1, 1));
            // Odd steps: a loss whose value is finite but whose gradient is NaN (sqrt at 0 has an infinite slope, times 0).
            return step % 2 == 1 ? (output - output.detach()).abs().sqrt().sum() * 0 + output.detach().sum() : output.pow(2).sum();
        });
        Assert.Equal(3, history.SkippedSteps);
        Assert.Equal(6, history.Losses.Count);
        Assert.Equal(weights[1], weights[2]);                 // step 1 was skipped: no change before step 2
        Assert.NotEqual(weights[0], weights[1]);              // step 0 was applied
        Assert.False(float.IsNaN(model.weight!.item<float>()));
    }

    [Fact]
    public void Many_skipped_steps_in_a_row_stop_training_with_a_message()
    {
        var model = nn.Linear(1, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var e = Assert.Throws<InvalidOperationException>(() => Workbook.Training.Trainer.Fit(optimizer, 100, _ =>
        {
            var output = model.forward(ones(1, 1));
            return (output - output.detach()).abs().sqrt().sum() * 0 + output.detach().sum();
        }));
        Assert.Contains("non-finite gradients", e.Message);
    }
}
