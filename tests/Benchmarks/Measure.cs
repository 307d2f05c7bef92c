// The measuring tools of the benchmark: the machine's description, its matrix-multiply peak, and
// a model's training throughput and effective GFLOP/s, all in one run on the same threads.
using System.Diagnostics;
using Workbook.Training;
using static TorchSharp.torch;

namespace Workbook.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record Row(string Chapter, string Model, string Measure, double Value, string Unit, string Note = "");

public static class Measure
{
    public static string Machine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown"
            : Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown";
        string torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?";
        return $"{Environment.ProcessorCount} cores, {cpu}; TorchSharp {torchSharp} (libtorch 2.10, CPU), {get_num_threads()} torch threads; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; " +
               $"{Workbook.Runtime.NativeConvolution.Describe()}; {Workbook.Runtime.NativeConvolution.Probe()}";
    }

    /// <summary>GFLOP/s of a float32 n x n matrix multiply: the practical peak of this CPU with these threads.</summary>
    public static double MatmulGflops(int n = 1024, int repeats = 20)
    {
        var a = randn(n, n);
        var b = randn(n, n);
        for (int i = 0; i < 3; i++) using (NewDisposeScope()) a.matmul(b);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) using (NewDisposeScope()) a.matmul(b);
        return 2.0 * n * n * n * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>
    /// GFLOP/s of a 3x3 float32 convolution, 64 → 64 channels on a batch of 128 14x14 images (padding 1), the
    /// U-Net's own shapes: libtorch runs convolutions through its own optimised kernels (oneDNN), which beat its
    /// matrix multiply on this CPU, so a matmul alone understates what the hardware does.
    /// </summary>
    public static double ConvolutionGflops(int repeats = 10)
    {
        var x = randn(128, 64, 14, 14);
        var w = randn(64, 64, 3, 3);
        for (int i = 0; i < 3; i++) using (NewDisposeScope()) nn.functional.conv2d(x, w, padding: [1, 1]);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) using (NewDisposeScope()) nn.functional.conv2d(x, w, padding: [1, 1]);
        return 2.0 * 128 * 14 * 14 * 64 * 64 * 9 * repeats / clock.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>
    /// Times <paramref name="steps"/> training steps after a few warm-up steps and returns
    /// (images per second, seconds per step, effective GFLOP/s from the counted forward FLOPs).
    /// </summary>
    public static (double ImagesPerSecond, double SecondsPerStep, double Gflops) Training(
        optim.Optimizer optimizer, Func<int, Tensor> lossAt, int batchSize, double forwardFlopsPerBatch, int steps)
    {
        Trainer.Fit(optimizer, 3, lossAt);
        var history = Trainer.Fit(optimizer, steps, lossAt);
        double perStep = history.Elapsed.TotalSeconds / steps;
        return (batchSize / perStep, perStep, FlopCounter.TrainingStep(forwardFlopsPerBatch) / perStep / 1e9);
    }

    /// <summary>Wall-clock seconds of one call, after one warm-up call.</summary>
    public static double Seconds(Action action)
    {
        action();
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
