// A training that stops and goes on (TrainingResume): stopped after a few steps and resumed, it ends
// with exactly the weights and losses of one uninterrupted run with the same seed, because everything
// that decides the next step is saved: weights, the optimiser's moments, the weight average and the
// batch generator's state. A state saved for another record is refused.
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

public class TrainingResumeTests
{
    const int Steps = 12;

    // A small training with everything a diffusion training has: Adam, a weight average and batches drawn
    // from a generator. cancelAt: the step after which it stops (-1: never).
    static (Tensor Weights, TrainingHistory History) Run(string? folder, int cancelAt, string record = "record")
    {
        Seeds.Global(3);
        var model = nn.Linear(4, 2);
        var generator = Seeds.Generator(4);
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        var average = new WeightAverage(model, 0.9);
        var resume = folder is null ? null : new TrainingResume(folder, TimeSpan.FromHours(1), record, model, generator, average);
        using var cancel = new CancellationTokenSource();
        var history = Trainer.Fit(optimizer, Steps, step =>
        {
            if (step == cancelAt) cancel.Cancel();                      // this step runs; the loop stops after it
            var x = randn([8, 4], generator: generator);
            return nn.functional.mse_loss(model.forward(x), x[.., ..2] * 3);
        }, cancellation: cancel.Token, afterStep: average.Update, resume: resume);
        average.CopyToModel();
        return (cat(model.parameters().Select(p => p.detach().flatten()).ToArray()), history);
    }

    static string FreshFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "workbook-resume-" + Guid.NewGuid().ToString("N"));
        return folder;
    }

    [Fact]
    public void Stopped_and_resumed_it_ends_with_the_weights_and_losses_of_one_uninterrupted_run()
    {
        var whole = Run(null, cancelAt: -1);
        string folder = FreshFolder();
        try
        {
            var first = Run(folder, cancelAt: 4);
            Assert.True(first.History.Cancelled);
            Assert.Equal(5, first.History.Losses.Count);
            Assert.True(new TrainingResume(folder, TimeSpan.Zero, "record", nn.Linear(4, 2), Seeds.Generator(0)).HasState);

            var second = Run(folder, cancelAt: -1);
            Assert.False(second.History.Cancelled);
            Assert.Equal(whole.History.Losses, second.History.Losses);   // the earlier run's losses included
            Assert.True(second.Weights.eq(whole.Weights).all().item<bool>(),
                $"largest difference {(second.Weights - whole.Weights).abs().max().item<float>()}");
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_state_saved_for_another_record_is_refused_with_the_folder_named()
    {
        string folder = FreshFolder();
        try
        {
            Run(folder, cancelAt: 2, record: "steps 12");
            var error = Assert.Throws<InvalidOperationException>(() => Run(folder, cancelAt: -1, record: "steps 24"));
            Assert.Contains(folder, error.Message);
            Assert.Contains("another record", error.Message);
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }
}
