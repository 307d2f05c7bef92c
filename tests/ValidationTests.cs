// Every rule of the hyperparameter records and the device choice: a bad value stops before any
// work with one message that names the value, says why, and what is allowed.
using Workbook.Autoregression;
using Workbook.Classroom;
using Workbook.Conditioning;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

public class ValidationTests
{
    [Fact]
    public void Defaults_are_valid() => new BlurryMeanConfig().Validate();

    public static TheoryData<BlurryMeanConfig, string> BadBlurryMeanConfigs() => new()
    {
        { new BlurryMeanConfig(Dataset: "cifar10"), "Dataset = 'cifar10' is not known. Allowed: mnist, fashion-mnist, digits" },
        { new BlurryMeanConfig(ImageSize: 2), "ImageSize = 2 is out of range: allowed 4 to 64" },
        { new BlurryMeanConfig(Hidden: 0), "Hidden = 0 is out of range" },
        { new BlurryMeanConfig(Steps: -5), "Steps = -5 is out of range: allowed 1 to" },
        { new BlurryMeanConfig(BatchSize: 0), "BatchSize = 0 is out of range" },
        { new BlurryMeanConfig(LearningRate: double.NaN), "LearningRate = NaN: a learning rate must be a number above 0" },
        { new BlurryMeanConfig(LearningRate: 5), "LearningRate = 5: a learning rate" },
    };

    [Theory]
    [MemberData(nameof(BadBlurryMeanConfigs))]
    public void Bad_blurry_mean_settings_are_named_with_the_allowed_range(BlurryMeanConfig config, string message)
    {
        var e = Assert.Throws<HyperparameterException>(() => config.Validate());
        Assert.Contains(message, e.Message);
    }

    // Valid values, each within its range, whose training would need far more memory than a laptop has.
    public static TheoryData<Func<object>, string> RecordsTooLargeToTrain() => new()
    {
        { () => new DiffusionConfig(ImageSize: 32, Channels: 256, BatchSize: 65536).Validate(), "DiffusionConfig: training would need about 6872 GB" },
        { () => new ConditionalDiffusionConfig(ImageSize: 32, Channels: 256, BatchSize: 65536).Validate(), "ConditionalDiffusionConfig: training would need" },
        { () => new SketchModelConfig(ImageSize: 32, Channels: 256, BatchSize: 65536).Validate(), "SketchModelConfig: training would need" },
        { () => new BlurryMeanConfig(ImageSize: 64, Hidden: 8192, BatchSize: 65536).Validate(), "BlurryMeanConfig: training would need" },
        { () => new OnePixelConfig(ImageSize: 64, Hidden: 8192, BatchSize: 65536).Validate(), "OnePixelConfig: training would need" },
        { () => new PixelByPixelConfig(Dataset: "mnist", ImageSize: 28, Hidden: 4096).Validate(), "PixelByPixelConfig: training would need" },
        { () => new PixelCnnConfig(ImageSize: 64, Channels: 1024, Layers: 32, BatchSize: 65536).Validate(), "PixelCnnConfig: training would need" },
        { () => new AnyOrderModelConfig(ImageSize: 28, Levels: 16, Hidden: 8192, BatchSize: 65536).Validate(), "AnyOrderModelConfig: training would need" },
        { () => new ReferenceClassifierConfig(ImageSize: 64, Channels1: 512, Channels2: 512, BatchSize: 65536).Validate(), "ReferenceClassifierConfig: training would need" },
    };

    [Theory]
    [MemberData(nameof(RecordsTooLargeToTrain))]
    public void A_record_whose_training_would_not_fit_in_memory_is_refused_with_the_need_and_the_limit(Func<object> validate, string message)
    {
        var e = Assert.Throws<HyperparameterException>(validate);
        Assert.Contains(message, e.Message);
        Assert.Contains("more than the workbook's limit of 8 GB", e.Message);
        Assert.Contains("Lower one of BatchSize", e.Message);
    }

    [Fact]
    public void The_memory_estimate_is_the_weights_with_adams_state_plus_one_batchs_activations()
    {
        // 1,000 weights (4 float32 copies) and 10 values per example for 100 examples: 4 * (4,000 + 1,000) bytes.
        Assert.Equal(20_000, MemoryBudget.TrainingBytes(1000, 10, 100));
        Assert.Equal("6872 GB", MemoryBudget.Size(6.8719e12));
        Assert.Equal("8 GB", MemoryBudget.Size(MemoryBudget.LimitBytes));
        Assert.Equal("321 MB", MemoryBudget.Size(3.21e8));
    }

    [Fact]
    public void Every_shipped_record_and_the_larger_settings_chapters_suggest_fit_in_memory()
    {
        ShippedModels.AnyOrder.Validate(); ShippedModels.NoisePredictor.Validate(); ShippedModels.TextToDigit.Validate(); ShippedModels.SketchToDigit.Validate();
        new ReferenceClassifierConfig().Validate();
        new DiffusionConfig(ImageSize: 32, Channels: 64, BatchSize: 128).Validate();   // about 3.4 GB
        new BlurryMeanConfig(ImageSize: 64, Hidden: 8192).Validate();
        new PixelByPixelConfig(Dataset: "mnist", ImageSize: 14, Hidden: 256).Validate();
    }

    // The training recipes validate the record they are given before any step.
    static readonly Data.ImageDataset Tiny = SyntheticData.Digits(32, seed: 5);   // 8x8 images
    static readonly DiffusionConfig SmallDiffusion = new(ImageSize: 8, TimeSteps: 10, Channels: 8, TimeEmbedding: 8, TrainingSteps: 2, BatchSize: 4);
    static readonly SketchModelConfig SmallSketch = new(ImageSize: 8, SketchSize: 4, TimeSteps: 10, Channels: 8, TimeEmbedding: 8, TrainingSteps: 2, BatchSize: 4);

    public static TheoryData<Action, string> RecipesGivenBadRecords() => new()
    {
        { () => DiffusionTraining.Train(new Models.UNet(8, 8), SmallDiffusion with { BatchSize = 0 }, Tiny), "BatchSize = 0 is out of range" },
        { () => DiffusionTraining.Train(new Models.UNet(8, 8), SmallDiffusion with { Target = (PredictionTarget)99 }, Tiny), "Target = 99 is not a prediction target" },
        { () => DiffusionTraining.Train(new Models.UNet(8, 8), SmallDiffusion with { TimeSteps = 0 }, Tiny), "TimeSteps = 0 is out of range" },
        { () => DiffusionTraining.Train(new Models.UNet(8, 8), SmallDiffusion with { ImageSize = 14 }, Tiny), "the data's images are 8x8; the record asks for ImageSize = 14" },
        { () => SketchModel.Train(SketchModel.Build(SmallSketch), SmallSketch with { BatchSize = 0 }, Tiny), "BatchSize = 0 is out of range" },
        { () => SketchModel.Train(SketchModel.Build(SmallSketch), SmallSketch with { TimeSteps = 0 }, Tiny), "TimeSteps = 0 is out of range" },
        { () => SketchModel.Train(SketchModel.Build(SmallSketch), SmallSketch with { ImageSize = 14 }, Tiny), "the data's images are 8x8; the record asks for ImageSize = 14" },
        { () => AnyOrderTraining.Train(AnyOrderTraining.Build(new AnyOrderModelConfig(ImageSize: 14, Hidden: 8, Steps: 2)), PixelLevels.Quantize(Tiny.Images, 4)), "levels of shape (32, 1, 8, 8) and type Int64; the model's record asks for int64 level indices of shape (N, 1, 14, 14)" },
        { () => AnyOrderTraining.Train(AnyOrderTraining.Build(new AnyOrderModelConfig(ImageSize: 8, Hidden: 8, Steps: 2)), PixelLevels.Quantize(Tiny.Images, 16)), "levels run from 0 to 15; the model's record has Levels = 4" },
        { () => Tiny.RandomBatch(0, new Generator(0)), "size = 0: it counts something" },
    };

    [Theory]
    [MemberData(nameof(RecipesGivenBadRecords))]
    public void A_training_recipe_refuses_a_bad_record_before_its_first_step(Action train, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(train);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Asking_for_a_missing_gpu_or_an_unknown_device_says_what_to_do()
    {
        if (!cuda.is_available())
            Assert.Contains("no CUDA device is usable here", Assert.Throws<InvalidOperationException>(() => TorchRuntime.ChooseDevice("cuda")).Message);
        Assert.Contains("Allowed: cpu, cuda", Assert.Throws<InvalidOperationException>(() => TorchRuntime.ChooseDevice("tpu")).Message);
        Assert.Equal(DeviceType.CPU, TorchRuntime.ChooseDevice("cpu").type);
    }

    [Fact]
    public void Counting_values_must_be_positive()
    {
        Assert.Contains("steps = 0: it counts something", Assert.Throws<HyperparameterException>(() => Check.Positive("steps", 0)).Message);
    }
}
