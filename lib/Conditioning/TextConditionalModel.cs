// A text-to-image diffusion model in one module: the tiny text encoder and the conditional U-Net,
// trained together (and saved together). The prompts' words are its vocabulary. Chapters 09-10.
using TorchSharp;
using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Models;

namespace Workbook.Conditioning;

public sealed class TextConditionalModel : nn.Module
{
    readonly TextEncoder text;
    readonly UNet unet;

    public TextEncoder Text => text;
    public UNet UNet => unet;
    public PromptTable Prompts { get; }

    public TextConditionalModel(ConditionalDiffusionConfig config, string dataset = "mnist") : base(nameof(TextConditionalModel))
    {
        config.Validate();
        Prompts = new PromptTable(dataset);
        text = new TextEncoder(Prompts.Tokenizer.VocabularySize, config.ConditionDim);
        unet = new UNet(config.Channels, config.TimeEmbedding, conditionShape: [config.ConditionDim]);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    /// <summary>One text vector (B, D) per prompt. An unknown word ends in a HyperparameterException that lists the known ones.</summary>
    public Tensor Encode(IReadOnlyList<string> prompts) => text.forward(Prompts.Tokenizer.EncodeBatch(prompts));

    /// <summary>
    /// The denoising loss of one batch of images (B, 1, H, W) in [0, 1] with their labels: each image gets a
    /// random prompt of its label, the prompt is dropped with probability p, and the network predicts the noise.
    /// </summary>
    public Tensor Loss(Diffusion.NoiseSchedule schedule, Tensor images, Tensor labels, double dropProbability, Generator generator)
    {
        var batch = Diffusion.TrainingExamples.Make(schedule, Diffusion.PredictionTarget.Noise, images * 2 - 1, generator);   // pixels to [-1, 1]
        var condition = unet.DropCondition(text.forward(Prompts.Sample(labels, generator)), dropProbability, generator);
        return nn.functional.mse_loss(unet.forward(batch.Xt, batch.T, condition), batch.Target);
    }

    /// <summary>
    /// Trains encoder and U-Net together on <paramref name="data"/> (images in [0, 1] with labels) for the config's
    /// steps, and leaves the moving average of the weights in the model (unless AverageDecay is 0).
    /// </summary>
    public TrainingHistory Train(ConditionalDiffusionConfig config, ImageDataset data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var schedule = config.Validate().CreateSchedule();
        data.CheckSize(config.ImageSize);
        var generator = new Generator((ulong)config.Seed + 1, Runtime.TorchRuntime.Device);
        var average = new WeightAverage(this, config.AverageDecay);   // AverageDecay = 0: the average is just the last weights
        train();
        var history = Trainer.Fit(optim.Adam(parameters(), lr: config.LearningRate), config.TrainingSteps, _ =>
        {
            var (images, labels) = data.RandomBatch(config.BatchSize, generator);
            return Loss(schedule, images, labels, config.DropProbability, generator);
        }, progress, cancellation, afterStep: average.Update);
        average.CopyToModel();
        eval();
        return history;
    }
}
