// Every rule of the hyperparameter records and the device choice: a bad value stops before any
// work with one message that names the value, says why, and what is allowed.
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
