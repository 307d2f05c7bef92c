// The one training recipe of every denoising model in the workbook (chapter 7 shows it step by step;
// chapters 9-10 add a condition): each step noises a batch to random steps, runs the U-Net on the
// noisy images (and on their condition, if it takes one), and fits its output to the record's
// prediction target. The moving average of the weights is what it leaves in the model.
using Workbook.Data;
using Workbook.Models;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Diffusion;

/// <summary>
/// What the recipe reads from a record: chapter 7's <see cref="DiffusionConfig"/>, chapter 9's sketch record
/// and chapters 9-10's text record all have it (the conditional ones always predict the noise).
/// </summary>
public interface IDiffusionTrainingRecord
{
    int ImageSize { get; }
    PredictionTarget Target { get; }
    int TrainingSteps { get; }
    int BatchSize { get; }
    double LearningRate { get; }
    double AverageDecay { get; }
    int Seed { get; }
    NoiseSchedule CreateSchedule();
    /// <summary>Throws a HyperparameterException naming the first bad value.</summary>
    void ValidateRecord();
}

/// <summary>The condition of a training batch: from the clean images x0 (B, 1, H, W) in [-1, 1] and their labels (B).</summary>
public delegate Tensor TrainingCondition(Tensor x0, Tensor labels, Generator generator);

public static class DiffusionTraining
{
    /// <summary>How often a resumable training saves its state: a stop loses at most this much work.</summary>
    public static readonly TimeSpan ResumeEvery = TimeSpan.FromMinutes(2);

    /// <summary>A fresh U-Net for a chapter 7 record, its weights drawn from the record's seed.</summary>
    public static UNet Build(DiffusionConfig config)
    {
        Seeds.Global(config.Seed);
        return new UNet(config.Validate().Channels, config.TimeEmbedding);
    }

    /// <summary>
    /// Trains <paramref name="net"/> on images in [0, 1] (scaled to [-1, 1] here) and leaves the moving average of
    /// the weights in it (AverageDecay = 0: the last weights). <paramref name="condition"/>, for a conditional U-Net,
    /// makes each batch's condition after its noise is drawn. <paramref name="trained"/> is the module whose weights
    /// the optimiser moves and averages, when it holds more than the U-Net (a text encoder too); default: the U-Net.
    /// With <paramref name="resumeFolder"/> the training saves its whole state there every <see cref="ResumeEvery"/> and when
    /// cancelled, and continues from a state it finds there (TrainingResume); the caller clears it when done.
    /// </summary>
    public static TrainingHistory Train(UNet net, IDiffusionTrainingRecord record, ImageDataset data,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default,
        TrainingCondition? condition = null, nn.Module? trained = null, string? resumeFolder = null)
    {
        record.ValidateRecord();
        data.CheckSize(record.ImageSize);
        if (net.IsConditional != condition is not null)
            throw new ArgumentException(net.IsConditional
                ? "this U-Net takes a condition: give the recipe a condition (for example SketchModel.Condition)."
                : "this U-Net takes no condition, so the recipe cannot give it one: leave condition out.");
        trained ??= net;
        var schedule = record.CreateSchedule();
        var generator = new Generator((ulong)record.Seed + 1, TorchRuntime.Device);
        var optimizer = optim.Adam(trained.parameters(), lr: record.LearningRate);
        var average = new WeightAverage(trained, record.AverageDecay);
        var resume = resumeFolder is null ? null : new TrainingResume(resumeFolder, ResumeEvery,
            Checkpoint.ConfigJson(record).ToJsonString(), trained, generator, average);
        trained.train();
        var history = Trainer.Fit(optimizer, record.TrainingSteps, _ =>
        {
            var (images, labels) = data.RandomBatch(record.BatchSize, generator);
            return Loss(net, schedule, record.Target, images, labels, generator, condition);
        }, progress, cancellation, afterStep: average.Update, resume: resume);
        average.CopyToModel();
        trained.eval();
        return history;
    }

    /// <summary>
    /// The loss of one training batch, images (B, 1, H, W) in [0, 1] with their labels (B): noise each image to its own
    /// random step, make the condition (after the noise is drawn), and compare the U-Net's output with the target.
    /// </summary>
    public static Tensor Loss(UNet net, NoiseSchedule schedule, PredictionTarget target, Tensor images, Tensor labels,
        Generator generator, TrainingCondition? condition = null)
    {
        var x0 = images * 2 - 1;                                                       // pixels to [-1, 1]
        var example = TrainingExamples.Make(schedule, target, x0, generator);
        var output = net.forward(example.Xt, example.T, condition?.Invoke(x0, labels, generator)!);
        return nn.functional.mse_loss(output, example.Target);
    }
}
