// A small convolutional classifier trained on the dataset itself. It is the judge of sample
// quality from chapter 5 on: its penultimate layer is the feature space of the Fréchet distance.
using TorchSharp;
using TorchSharp.Modules;
using Workbook.Data;
using Workbook.Models;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Metrics;

/// <summary>
/// conv 3x3 → ReLU → max-pool 2 → conv 3x3 → ReLU → max-pool 2 → average-pool to 3x3 → linear (features) → ReLU → linear (classes).
/// The adaptive pooling makes it accept any image size of 8x8 or more with the same weights' shapes.
/// </summary>
public sealed class ReferenceClassifier : nn.Module<Tensor, Tensor>
{
    readonly ExactConv2d conv1;
    readonly MaxPool2d pool1;
    readonly ExactConv2d conv2;
    readonly MaxPool2d pool2;
    readonly AdaptiveAvgPool2d pool3;
    readonly Linear fc1;
    readonly Linear fc2;

    public ReferenceClassifierConfig Config { get; }
    public int Classes { get; }

    public ReferenceClassifier(ReferenceClassifierConfig config, int classes = 10) : base(nameof(ReferenceClassifier))
    {
        Config = config.Validate();
        Check.InRange(nameof(classes), classes, 2, 1000);
        Classes = classes;
        conv1 = new ExactConv2d(1, config.Channels1, 3, padding: 1);
        pool1 = nn.MaxPool2d(2);
        conv2 = new ExactConv2d(config.Channels1, config.Channels2, 3, padding: 1);
        pool2 = nn.MaxPool2d(2);
        pool3 = nn.AdaptiveAvgPool2d([3, 3]);
        fc1 = nn.Linear(config.Channels2 * 9, config.Features);
        fc2 = nn.Linear(config.Features, classes);
        RegisterComponents();
        this.to(TorchRuntime.Device);
    }

    /// <summary>The penultimate layer's activations, (B, Features): what the Fréchet distance compares.</summary>
    public Tensor Features(Tensor x)
    {
        x = pool1.forward(nn.functional.relu(conv1.forward(x)));   // (B, C1, H/2, W/2)
        x = pool2.forward(nn.functional.relu(conv2.forward(x)));   // (B, C2, H/4, W/4)
        x = pool3.forward(x).flatten(1);                           // (B, C2 * 9)
        return nn.functional.relu(fc1.forward(x));                 // (B, Features)
    }

    /// <summary>Class logits (B, classes).</summary>
    public override Tensor forward(Tensor x) => Logits(Features(x));

    /// <summary>Class logits (B, classes) from penultimate features (B, Features).</summary>
    public Tensor Logits(Tensor features) => fc2.forward(features);

    /// <summary>Share of images whose most likely class is their label (evaluated in batches, no gradients).</summary>
    public double Accuracy(ImageDataset data, int batchSize = 2000)
    {
        Check.Positive(nameof(batchSize), batchSize);
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(start + batchSize, data.Count);
            var predicted = forward(data.Images[(int)start..(int)end]).argmax(1);
            correct += predicted.eq(data.Labels[(int)start..(int)end]).sum().item<long>();
        }
        return (double)correct / data.Count;
    }

    /// <summary>The shipped checkpoint's name for a config: "reference-classifier-mnist14" (data/checkpoints).</summary>
    public static string ShippedName(ReferenceClassifierConfig config) => $"reference-classifier-{config.Key}";

    /// <summary>
    /// Loads the classifier shipped in data/checkpoints for a config (the defaults: 14x14 MNIST), with the checks every
    /// checkpoint gets (<see cref="Checkpoint.Load"/>): checksum, config, and every parameter's name and shape.
    /// </summary>
    public static (ReferenceClassifier Classifier, CheckpointManifest Manifest) LoadShipped(ReferenceClassifierConfig? config = null)
    {
        config ??= new ReferenceClassifierConfig();
        var classifier = new ReferenceClassifier(config);
        return (classifier, Checkpoint.Load(classifier, Checkpoint.PathFor(ShippedName(config)), config));
    }

    /// <summary>A fresh classifier for a config, its weights drawn from the config's seed.</summary>
    public static ReferenceClassifier Build(ReferenceClassifierConfig config)
    {
        Seeds.Global(config.Validate().Seed);
        return new ReferenceClassifier(config);   // every dataset of the workbook has 10 classes
    }

    /// <summary>
    /// Trains <paramref name="classifier"/> on its config's dataset (the train split) with cross-entropy. With the
    /// defaults it takes about 20-40 s on two CPU cores; <see cref="Measurements.TestAccuracy"/> then says how good it is.
    /// </summary>
    public static TrainingHistory Train(ReferenceClassifier classifier, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var config = classifier.Config.Validate();
        var train = Datasets.Load(config.Dataset, Split.Train, size: config.ImageSize);
        var generator = Seeds.Generator(config.Seed);
        var optimizer = optim.Adam(classifier.parameters(), lr: config.LearningRate);
        classifier.train();
        var history = Trainer.Fit(optimizer, config.Steps, _ =>
        {
            var (images, labels) = train.RandomBatch(config.BatchSize, generator);
            return nn.functional.cross_entropy(classifier.forward(images), labels);
        }, progress, cancellation);
        classifier.eval();
        return history;
    }
}
