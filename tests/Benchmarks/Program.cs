// Benchmarks every chapter's main model on this machine and writes tests/Benchmarks/results.md.
//   dotnet run -c Release --project tests/Benchmarks                 full run (minutes)
//   dotnet run --project tests/Benchmarks -- --quick --out out/bench  smoke test: runs everything tiny, writes results-quick.md
using Workbook.Benchmarks;
using Workbook.Models;
using Workbook.Runtime;
using static TorchSharp.torch;

bool quick = args.Contains("--quick");
string folder = Path.GetFullPath(args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(FindRoot(), "tests", "Benchmarks"));
var rows = new List<Row>();
int steps = quick ? 5 : 50;

Console.WriteLine(Measure.Machine());
int side = quick ? 256 : 1024;
double peak = Measure.MatmulGflops(side, quick ? 3 : 20);
rows.Add(new("-", $"{side}² float32 matmul", "throughput", peak, "GFLOP/s", "the machine's practical peak"));

// Chapter 1: the blurry-mean predictor (an MLP from a black image to a 28x28 image).
{
    var generator = Seeds.Set(0);
    var data = Workbook.Data.Datasets.Load("mnist", Workbook.Data.Split.Train);
    var model = new Mlp(784, 256, 784);
    var optimizer = optim.Adam(model.parameters(), lr: 3e-3);
    const int batch = 256;
    double flops = Workbook.Training.FlopCounter.Forward(model, () => model.call(zeros(batch, 1, 28, 28)));
    var (imagesPerSecond, perStep, gflops) = Measure.Training(optimizer, _ =>
    {
        var (images, _) = data.RandomBatch(batch, generator);
        return nn.functional.mse_loss(model.call(zeros_like(images)).view(images.shape), images);
    }, batch, flops, steps);
    rows.Add(new("01", "blurry-mean MLP 784-256-256-784", "training", imagesPerSecond, "images/s", $"{perStep * 1000:F1} ms/step, batch {batch}"));
    rows.Add(new("01", "blurry-mean MLP 784-256-256-784", "training", gflops, "GFLOP/s", $"{100 * gflops / peak:F0} % of the matmul peak"));
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
