// An exponential moving average of a model's weights (Polyak averaging; DDPM keeps one too). The
// optimiser's last weights jitter around a good solution with every noisy batch; the average of the
// recent ones sits closer to it. Diffusion samples from averaged weights are visibly cleaner after a
// short training. Chapters 7, 9, 10.
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Training;

public sealed class WeightAverage
{
    readonly (Tensor Live, Tensor Average)[] pairs;
    int updates;

    /// <summary>How much of the old average each update keeps (0.999: the last thousand or so steps count).</summary>
    public double Decay { get; }

    public WeightAverage(nn.Module model, double decay = 0.999)
    {
        Runtime.Check.AverageDecay(decay);
        Decay = decay;
        using var noGrad = no_grad();
        pairs = model.parameters().Select(p => ((Tensor)p, p.detach().clone().DetachFromDisposeScope())).ToArray();
    }

    /// <summary>
    /// Folds the current weights into the average. Early on the effective decay is smaller,
    /// (1 + n) / (10 + n) after n updates, so a short training is not dragged back to its random start.
    /// </summary>
    public void Update()
    {
        updates++;
        double decay = Math.Min(Decay, (1.0 + updates) / (10.0 + updates));
        using var noGrad = no_grad();
        foreach (var (live, average) in pairs)
            average.mul_(decay).add_(live, alpha: 1 - decay);
    }

    /// <summary>Writes the average and its update count (a training that stops and goes on, TrainingResume).</summary>
    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(updates);
        writer.Write(pairs.Length);
        foreach (var (_, average) in pairs) average.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for a model of the same shape.</summary>
    public void Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int savedUpdates = reader.ReadInt32(), count = reader.ReadInt32();
        if (count != pairs.Length)
            throw new InvalidDataException($"{path} averages {count} weight tensors; this model has {pairs.Length}.");
        using var noGrad = no_grad();
        foreach (var (_, average) in pairs)
            using (var saved = Tensor.Load(reader)) average.copy_(saved);
        updates = savedUpdates;
    }

    /// <summary>Overwrites the model's weights with the average (do this once, after training).</summary>
    public void CopyToModel()
    {
        using var noGrad = no_grad();
        foreach (var (live, average) in pairs)
            live.copy_(average);
    }
}
