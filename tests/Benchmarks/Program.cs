// Benchmarks every chapter's main model on this machine and writes tests/Benchmarks/results.md.
//   dotnet run -c Release --project tests/Benchmarks                 full run (about ten minutes)
//   dotnet run --project tests/Benchmarks -- --quick --out out/bench  smoke test: runs everything tiny, writes results-quick.md
// For each model: training throughput, effective GFLOP/s next to the practical peak measured in the
// same run, and how long the chapter's own training cell takes at that speed; then sampling costs
// and the quality of the shipped models.
using Workbook.Autoregression;
using Workbook.Benchmarks;
using Workbook.Classroom;
using Workbook.Conditioning;
using Workbook.Data;
using Workbook.Diffusion;
using Workbook.Metrics;
using Workbook.Models;
using Workbook.Patches;
using Workbook.Runtime;
using Workbook.Training;
using static TorchSharp.torch;

bool quick = args.Contains("--quick");
string folder = Path.GetFullPath(args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(FindRoot(), "tests", "Benchmarks"));
var rows = new List<Row>();
int steps = quick ? 3 : 30;

Console.WriteLine(Measure.Machine());
// The machine's practical peak: the best of a large matrix multiply and a large convolution, same threads, same run.
int side = quick ? 256 : 1024;
double matmul = Measure.MatmulGflops(side, quick ? 3 : 20);
double matmul2048 = quick ? 0 : Measure.MatmulGflops(2048, 5);
double convolution = Measure.ConvolutionGflops(quick ? 1 : 30);
double peak = new[] { matmul, matmul2048, convolution }.Max();
rows.Add(new("-", $"{side}² float32 matmul", "throughput", matmul, "GFLOP/s", ""));
if (!quick) rows.Add(new("-", "2048² float32 matmul", "throughput", matmul2048, "GFLOP/s", ""));
rows.Add(new("-", "3x3 convolution 64→64, 128x14x14", "throughput", convolution, "GFLOP/s", $"practical peak = the best of these: {peak:F1} GFLOP/s"));

Seeds.Global(0);

var generator = Seeds.Generator(0);
var mnist28 = Datasets.Load("mnist", Split.Train);
var mnist14 = Datasets.Load("mnist", Split.Train, size: 14);
var digits8 = Datasets.Load("digits", Split.Train, size: 8);

// One training step of a chapter's model: images/s, GFLOP/s against the peak, and the chapter's training cell at this speed.
void Training(string chapter, string model, nn.Module net, Func<Tensor> loss, int batch, double forwardFlops, int notebookSteps, string cell)
{
    var (imagesPerSecond, perStep, gflops) = Measure.Training(optim.Adam(net.parameters(), lr: 1e-3), _ => loss(), batch, forwardFlops, steps);
    rows.Add(new(chapter, model, "training", imagesPerSecond, "images/s", $"{perStep * 1000:F1} ms/step, batch {batch}"));
    rows.Add(new(chapter, model, "training", gflops, "GFLOP/s", $"{100 * gflops / peak:F0} % of the practical peak"));
    rows.Add(new(chapter, model, "training cell", notebookSteps * perStep, "s", $"{cell}: {notebookSteps} steps at this speed"));
}

// Chapter 1: the blurry-mean predictor (an MLP from a black image to a 28x28 image).
{
    var net = new Mlp(784, 256, 784);
    const int batch = 256;
    double flops = FlopCounter.Forward(net, () => net.call(zeros(batch, 1, 28, 28)));
    Training("01", "blurry-mean MLP 784-256-256-784", net, () =>
    {
        var (images, _) = mnist28.RandomBatch(batch, generator);
        return nn.functional.mse_loss(net.call(zeros_like(images)).view(images.shape), images);
    }, batch, flops, new BlurryMeanConfig().Steps, "blurry mean");
}

// Chapter 2: one pixel from the pixels before it (14x14, 8 levels).
{
    var c = new OnePixelConfig();
    int p = c.ImageSize * c.ImageSize;
    var net = new Mlp(p, c.Hidden, c.Levels);
    double flops = FlopCounter.Forward(net, () => net.call(zeros(c.BatchSize, p)));
    Training("02", $"one-pixel MLP {p}-{c.Hidden}-{c.Hidden}-{c.Levels}", net, () =>
    {
        var (images, _) = mnist14.RandomBatch(c.BatchSize, generator);
        var levels = PixelLevels.Quantize(images, c.Levels).flatten(1);
        var seen = images.flatten(1) * arange(p).lt(c.Position).to(float32);
        return nn.functional.cross_entropy(net.call(seen), levels[.., c.Position]);
    }, c.BatchSize, flops, c.Steps, "one missing pixel");
}

// Chapter 3: one small network per pixel (8x8 digits, 17 levels), all trained at once with batched matmuls.
{
    var c = new PixelByPixelConfig();
    int p = c.Pixels;
    var net = new PerPixelNetworks(c.ImageSize, c.ImageSize, c.Levels, c.Hidden);
    double flops = 2.0 * p * c.BatchSize * (p * c.Hidden + c.Hidden * c.Levels);   // two batched matmuls (P, B, P)x(P, P, H) and (P, B, H)x(P, H, K)
    Training("03", $"{p} per-pixel networks, hidden {c.Hidden}", net, () =>
    {
        var (images, _) = digits8.RandomBatch(c.BatchSize, generator);
        return nn.functional.cross_entropy(net.call(images), PixelLevels.Quantize(images, c.Levels).squeeze(1));
    }, c.BatchSize, flops, c.Steps, "pixel by pixel");
}

// Chapter 4: the PixelCNN (masked convolutions, 14x14, 4 levels).
{
    var c = new PixelCnnConfig();
    var net = new PixelCnn(c.Levels, c.Channels, c.Layers, c.FirstKernel);
    double flops = FlopCounter.Forward(net, () => net.call(zeros(c.BatchSize, 1, c.ImageSize, c.ImageSize)));
    Training("04", $"PixelCNN {c.Layers + 1} masked layers x {c.Channels}", net, () =>
    {
        var (images, _) = mnist14.RandomBatch(c.BatchSize, generator);
        var levels = PixelLevels.Quantize(images, c.Levels);
        return nn.functional.cross_entropy(net.call(PixelLevels.ToGrey(levels, c.Levels)), levels.squeeze(1));
    }, c.BatchSize, flops, c.Steps, "causal architectures");
}

// Chapter 5: the any-order pixel model (MLP, 14x14, 4 levels).
AnyOrderModel anyOrder;
{
    var c = new AnyOrderModelConfig();
    anyOrder = AnyOrderTraining.Build(c);
    var levels = PixelLevels.Quantize(mnist14.Images, c.Levels);
    var net = anyOrder;
    var someLevels = levels[..c.BatchSize];
    var someVisible = PixelOrders.TrainingMasks(c.BatchSize, 14, 14, AnyOrderModelConfig.TrainingPatchSizes, c.RandomShare, generator);
    double flops = FlopCounter.Forward(net, () => net.call(someLevels, someVisible));
    Training("05", $"any-order MLP, hidden {c.Hidden}", net, () =>
    {
        var index = randint(0, levels.shape[0], [c.BatchSize], generator: generator);
        return net.Loss(levels.index_select(0, index), PixelOrders.TrainingMasks(c.BatchSize, 14, 14, AnyOrderModelConfig.TrainingPatchSizes, c.RandomShare, generator));
    }, c.BatchSize, flops, c.Steps, "patches and order");
}

// Chapter 7: the noise-predicting U-Net (14x14).
{
    var c = new DiffusionConfig();
    var net = DiffusionTraining.Build(c);
    var schedule = c.CreateSchedule();
    double flops = FlopCounter.Forward(net, () => net.call(zeros(c.BatchSize, 1, 14, 14), zeros(c.BatchSize, int64)));
    Training("07", $"U-Net {c.Channels}/{2 * c.Channels} channels", net, () =>
    {
        var (images, _) = mnist14.RandomBatch(c.BatchSize, generator);
        var example = TrainingExamples.Make(schedule, c.Target, images * 2 - 1, generator);
        return nn.functional.mse_loss(net.call(example.Xt, example.T), example.Target);
    }, c.BatchSize, flops, 300, "the three targets, each");
}

// Chapters 9-10: the text-conditional U-Net with its text encoder.
{
    var c = new ConditionalDiffusionConfig();
    var model = new TextConditionalModel(c);
    var schedule = c.CreateSchedule();
    var prompt = model.Encode(Enumerable.Repeat("a handwritten seven", c.BatchSize).ToList()).detach();
    double flops = FlopCounter.Forward(model.UNet, () => model.UNet.call(zeros(c.BatchSize, 1, 14, 14), zeros(c.BatchSize, int64), prompt));
    Training("09", "text-conditional U-Net", model, () =>
    {
        var (images, labels) = mnist14.RandomBatch(c.BatchSize, generator);
        return DiffusionTraining.Loss(model.UNet, schedule, PredictionTarget.Noise, images, labels, generator, model.Condition(c.DropProbability));
    }, c.BatchSize, flops, 400, "chapter 9's sketch model (same network size; the text model itself is shipped)");
}

// Sampling: seconds per image and per network evaluation.
{
    int count = quick ? 8 : 100;
    var any = Measure.Seconds(() => anyOrder.Generate(PixelOrders.Random(count, 14, 14, 196, Seeds.Generator(1)), new Generator(1)));
    rows.Add(new("05", "any-order MLP, one pixel at a time", "sampling", any / count * 1000, "ms/image", $"196 evaluations: {any / 196 * 1000:F1} ms each for {count} images"));
    var unet = DiffusionTraining.Build(new DiffusionConfig());
    unet.eval();
    int ddimSteps = quick ? 2 : 20;
    double DdimSeconds(int images) => Measure.Seconds(() => { using var g = no_grad(); new DdimSampler(NoiseSchedule.Linear(1000), PredictionTarget.Noise, ddimSteps).Generate(unet.Predict, [images, 1, 14, 14], Seeds.Generator(2)); });
    var ddim = DdimSeconds(count);
    rows.Add(new("07", $"U-Net, DDIM {ddimSteps} steps", "sampling", ddim / count * 1000, "ms/image", $"{ddim / ddimSteps * 1000:F1} ms per evaluation for {count} images"));
    int measured = quick ? 80 : 500;   // the chapters' quality measurements draw 300-500 at once; the U-Net runs them in slices of 64
    var big = DdimSeconds(measured);
    rows.Add(new("07", $"U-Net, DDIM {ddimSteps} steps, {measured} at once", "sampling", big / measured * 1000, "ms/image", $"{big / ddimSteps * 1000:F1} ms per evaluation; in slices of {InferenceSlices.Size} (one pass: 1.1-1.5 ms per image and evaluation at 500)"));
}

// Quality of the shipped models, re-measured here with the same code that wrote their manifests.
if (!quick)
{
    var noise = DiffusionTraining.Build(ShippedModels.NoisePredictor);
    var noiseManifest = Checkpoint.Load(noise, Checkpoint.PathFor(ShippedModels.NoisePredictorName), ShippedModels.NoisePredictor);
    foreach (var (key, value) in Measurements.DdimFrechet(noise, ShippedModels.NoisePredictor.CreateSchedule(), PredictionTarget.Noise, 14, [20], ShippedModels.SampleCount, seed: 8))
        rows.Add(new("07", "shipped noise predictor", "quality", value, "Fréchet distance", $"{key}, after {ShippedModels.NoisePredictor.TrainingSteps} steps ({noiseManifest.TrainingSeconds / 60:F0} min)"));
    var any = AnyOrderTraining.Build(ShippedModels.AnyOrder);
    var anyManifest = Checkpoint.Load(any, Checkpoint.PathFor(ShippedModels.AnyOrderName), ShippedModels.AnyOrder);
    foreach (var (key, value) in Measurements.RandomOrderFrechet(any, [16, 196], ShippedModels.SampleCount, orderSeed: 7, sampleSeed: 1))
        rows.Add(new("05", "shipped any-order model", "quality", value, "Fréchet distance", $"{key}, after {ShippedModels.AnyOrder.Steps} steps ({anyManifest.TrainingSeconds / 60:F0} min)"));
    var text = new TextConditionalModel(ShippedModels.TextToDigit);
    var textManifest = Checkpoint.Load(text, Checkpoint.PathFor(ShippedModels.TextToDigitName), ShippedModels.TextToDigit);
    foreach (var (key, value) in Measurements.PromptMatch(text, ShippedModels.TextToDigit.CreateSchedule(), 14, [3], ShippedModels.SampleCount, steps: 25, seed: 9))
        rows.Add(new("10", "shipped text-to-digit model", "quality", 100 * value, "% prompt match", $"{key}, after {ShippedModels.TextToDigit.TrainingSteps} steps ({textManifest.TrainingSeconds / 60:F0} min)"));
}

string file = Path.Combine(folder, quick ? "results-quick.md" : "results.md");
Directory.CreateDirectory(folder);
var lines = new List<string>
{
    "# Benchmark results", "",
    $"Machine: {Measure.Machine()}", "",
    quick ? "Quick mode (smoke test: tiny sizes, numbers are not meaningful)." : "Full mode.", "",
    "| chapter | model | what | value | unit | note |", "| --- | --- | --- | ---: | --- | --- |",
};
lines.AddRange(rows.Select(r => $"| {r.Chapter} | {r.Model} | {r.Measure} | {r.Value:G4} | {r.Unit} | {r.Note} |"));
File.WriteAllLines(file, lines);
Console.WriteLine(string.Join(Environment.NewLine, lines));
Console.WriteLine($"written: {file}");

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
