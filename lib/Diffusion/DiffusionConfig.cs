// Hyperparameters of chapter 7's denoising diffusion model: schedule, prediction target, network
// size and training. Change a value with `config with { TrainingSteps = 200 }` and rerun.
using Workbook.Runtime;

namespace Workbook.Diffusion;

public sealed record DiffusionConfig(
    int ImageSize = 14,                                  // MNIST resized to ImageSize x ImageSize (even, 8..32)
    int TimeSteps = 1000,                                // T, forward steps of the noise schedule
    string Schedule = "linear",                          // "linear" or "cosine"
    PredictionTarget Target = PredictionTarget.Noise,    // what the network is trained to output
    int Channels = 32,                                   // U-Net feature maps at full resolution (twice that at half)
    int TimeEmbedding = 64,                              // length of the sinusoidal step embedding
    int TrainingSteps = 500,                             // optimisation steps
    int BatchSize = 128,                                 // images per step
    double LearningRate = 2e-3,                          // Adam's step size
    double AverageDecay = 0.999,                         // sample from a moving average of the weights (0: the last weights)
    int Seed = 0)                                        // same seed, same thread count: same numbers
    : IDiffusionTrainingRecord
{
    /// <summary>Checks every value and throws a HyperparameterException naming the first bad one.</summary>
    public DiffusionConfig Validate()
    {
        CheckScheduleAndNetwork(ImageSize, TimeSteps, Schedule, Channels, TimeEmbedding);
        if (!Enum.IsDefined(Target)) throw new HyperparameterException($"{nameof(Target)} = {(int)Target} is not a prediction target. Allowed: {string.Join(", ", Enum.GetNames<PredictionTarget>())}.");
        Check.Training(TrainingSteps, BatchSize, LearningRate, nameof(TrainingSteps));
        Check.AverageDecay(AverageDecay);
        CheckUNetMemory(nameof(DiffusionConfig), ImageSize, Channels, TimeEmbedding, BatchSize);
        return this;
    }

    /// <summary>The rules every diffusion record shares (this one and chapters 9-10's conditional one): image, schedule, U-Net.</summary>
    internal static void CheckScheduleAndNetwork(int imageSize, int timeSteps, string schedule, int channels, int timeEmbedding)
    {
        Check.InRange(nameof(ImageSize), imageSize, 8, 32);
        if (imageSize % 2 != 0) throw new HyperparameterException($"{nameof(ImageSize)} = {imageSize}: the U-Net halves the image once, so it must be even.");
        Check.InRange(nameof(TimeSteps), timeSteps, 10, 10_000);
        Check.OneOf(nameof(Schedule), schedule, ["linear", "cosine"]);
        Check.UNetChannels(nameof(Channels), channels);
        Check.TimeEmbedding(nameof(TimeEmbedding), timeEmbedding);
    }

    /// <summary>
    /// Refuses a U-Net training that would not fit in <see cref="MemoryBudget.LimitBytes"/>. The U-Net has about
    /// 420 x Channels^2 weights; one training image keeps about 100 x Channels x pixels values for the backward pass
    /// (measured: 80-100 on the CPU, peak resident memory of a step at 14x14 and 28x28, 32 and 64 channels).
    /// </summary>
    internal static void CheckUNetMemory(string record, int imageSize, int channels, int timeEmbedding, int batchSize)
    {
        double parameters = 420.0 * channels * channels + 4.0 * channels * timeEmbedding;
        double valuesPerImage = 100.0 * channels * imageSize * imageSize;
        MemoryBudget.CheckTraining(record, parameters, valuesPerImage, batchSize,
            $"BatchSize = {batchSize}, Channels = {channels} or ImageSize = {imageSize}");
    }

    /// <summary>The noise schedule these settings describe.</summary>
    public NoiseSchedule CreateSchedule() => NoiseSchedule.Named(Schedule, TimeSteps);

    void IDiffusionTrainingRecord.ValidateRecord() => Validate();
}
