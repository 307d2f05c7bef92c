// A text-to-image diffusion model in one module: the tiny text encoder and the conditional U-Net,
// trained together (and saved together). The prompts' words are its vocabulary. Chapters 09-10.
using TorchSharp;
using Workbook.Data;
using Workbook.Training;
using static TorchSharp.torch;
using Workbook.Models;
using Workbook.Diffusion;

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
    /// The condition of a training batch: each image gets a random prompt of its label, encoded, and dropped
    /// (replaced by "no condition") with probability <paramref name="dropProbability"/>.
    /// </summary>
    public TrainingCondition Condition(double dropProbability) =>
        (_, labels, generator) => unet.DropCondition(text.forward(Prompts.Sample(labels, generator)), dropProbability, generator);

    /// <summary>
    /// DiffusionTraining.Train for encoder and U-Net together, on images in [0, 1] with labels: the moving average of
    /// both is left in the model (unless AverageDecay is 0).
    /// </summary>
    public TrainingHistory Train(ConditionalDiffusionConfig config, ImageDataset data,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, string? resumeFolder = null) =>
        DiffusionTraining.Train(unet, config, data, progress, cancellation, Condition(config.DropProbability), trained: this,
            resumeFolder: resumeFolder);
}
