// A plain multi-layer perceptron: Linear, ReLU, Linear, ... The simplest curve-fitting machine,
// used by chapter 1 and as the per-pixel predictor of chapter 2.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbook.Models;

public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    /// <param name="inputs">numbers going in per example</param>
    /// <param name="hidden">width of each hidden layer</param>
    /// <param name="outputs">numbers coming out per example</param>
    /// <param name="hiddenLayers">how many hidden layers (each Linear + ReLU)</param>
    public Mlp(int inputs, int hidden, int outputs, int hiddenLayers = 2) : base(nameof(Mlp))
    {
        Runtime.Check.Positive("inputs", inputs);
        Runtime.Check.Positive("hidden", hidden);
        Runtime.Check.Positive("outputs", outputs);
        Runtime.Check.InRange("hiddenLayers", hiddenLayers, 0, 16);
        var modules = new List<nn.Module<Tensor, Tensor>>();
        int width = inputs;
        for (int i = 0; i < hiddenLayers; i++)
        {
            modules.Add(nn.Linear(width, hidden));
            modules.Add(nn.ReLU());
            width = hidden;
        }
        modules.Add(nn.Linear(width, outputs));
        layers = nn.Sequential(modules);
        RegisterComponents();
        this.to(Runtime.TorchRuntime.Device);
    }

    public override Tensor forward(Tensor x) => layers.call(x.flatten(1)); // (B, inputs) -> (B, outputs)
}
