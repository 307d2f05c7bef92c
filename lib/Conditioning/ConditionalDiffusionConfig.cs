// Hyperparameters of chapters 09-10's conditional diffusion model: the chapter 7 schedule and U-Net,
// the condition's size and how often training drops it. Sampling settings: GuidanceConfig.
using Workbook.Diffusion;
using Workbook.Runtime;

namespace Workbook.Conditioning;

public sealed record ConditionalDiffusionConfig(
    int ImageSize = 14,                // MNIST resized to ImageSize x ImageSize (even, 8..32)
    int TimeSteps = 1000,              // T, forward steps of the noise schedule
    string Schedule = "linear",        // "linear" or "cosine"
    int Channels = 32,                 // U-Net feature maps at full resolution (twice that at half)
    int TimeEmbedding = 64,            // length of the sinusoidal step embedding
    int ConditionDim = 32,             // length of a prompt's text vector
    double DropProbability = 0.15,     // p: share of training examples whose condition is replaced by "no condition" (0..1)
    int TrainingSteps = 1500,          // optimisation steps
    int BatchSize = 128,               // images per step
    double LearningRate = 2e-3,        // Adam's step size
    double AverageDecay = 0.999,       // sample from a moving average of the weights (0: the last weights)
    int Seed = 0)                      // same seed, same thread count: same numbers
    : IDiffusionTrainingRecord
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public ConditionalDiffusionConfig Validate()
    {
        DiffusionConfig.CheckScheduleAndNetwork(ImageSize, TimeSteps, Schedule, Channels, TimeEmbedding);
        Check.InRange(nameof(ConditionDim), ConditionDim, 1, 1024);
        if (double.IsNaN(DropProbability) || DropProbability < 0 || DropProbability > 1)
            throw new HyperparameterException($"{nameof(DropProbability)} = {DropProbability}: it is a probability, so it must lie between 0 (never drop the condition) and 1 (always drop it); 0.1 to 0.2 is typical.");
        Check.Training(TrainingSteps, BatchSize, LearningRate, nameof(TrainingSteps));
        Check.AverageDecay(AverageDecay);
        DiffusionConfig.CheckUNetMemory(nameof(ConditionalDiffusionConfig), ImageSize, Channels, TimeEmbedding, BatchSize);
        return this;
    }

    /// <summary>The noise schedule these settings describe.</summary>
    public NoiseSchedule CreateSchedule() => NoiseSchedule.Named(Schedule, TimeSteps);

    PredictionTarget IDiffusionTrainingRecord.Target => PredictionTarget.Noise;   // guidance mixes noise predictions
    void IDiffusionTrainingRecord.ValidateRecord() => Validate();
}

/// <summary>How to generate from a trained conditional model; changing these never needs retraining.</summary>
public sealed record GuidanceConfig(
    double Scale = 3,                  // w: 0 ignores the prompt, 1 follows it plainly, above 1 exaggerates it (0..20)
    int SamplingSteps = 25,            // DDIM steps per image (1..T of the model's schedule)
    int Seed = 0)                      // seed of the starting noise
{
    public GuidanceConfig Validate()
    {
        Check.GuidanceScale(nameof(Scale), Scale);
        Check.InRange(nameof(SamplingSteps), SamplingSteps, 1, 10_000);
        return this;
    }
}
