// Counts the floating-point operations of a model's forward pass by watching its Linear, Conv2d,
// ExactConv2d and MaskedConv2d layers (a multiply-add counts as 2). Benchmarks compare this with the machine's
// matrix-multiply speed to see how close a model's training step comes to the hardware's limit.
using TorchSharp.Modules;
using Workbook.Models;
using static TorchSharp.torch;

namespace Workbook.Benchmarks;

public static class FlopCounter
{
    /// <summary>
    /// Runs <paramref name="forward"/> once and returns the FLOPs its Linear, Conv2d, ExactConv2d and MaskedConv2d layers did. Layers count
    /// when invoked through <c>call</c> (as Sequential and every model in this library do), not a bare forward.
    /// </summary>
    public static double Forward(nn.Module model, Action forward)
    {
        double flops = 0;
        var handles = new List<nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover>();
        foreach (var module in model.named_modules().Select(m => m.module).Prepend(model).Distinct())
        {
            switch (module)
            {
                case Linear linear:
                    handles.Add(linear.register_forward_hook((m, input, output) =>
                    {
                        flops += 2.0 * output.numel() * linear.weight!.shape[1];
                        return output;
                    }));
                    break;
                case Conv2d conv:
                    handles.Add(conv.register_forward_hook((m, input, output) =>
                    {
                        var w = conv.weight!.shape;   // (Cout, Cin/groups, kH, kW)
                        flops += 2.0 * output.numel() * w[1] * w[2] * w[3];
                        return output;
                    }));
                    break;
                case ExactConv2d convolution:
                    handles.Add(convolution.register_forward_hook((m, input, output) =>
                    {
                        var w = convolution.Weight.shape;
                        flops += 2.0 * output.numel() * w[1] * w[2] * w[3];
                        return output;
                    }));
                    break;
                case MaskedConv2d masked:
                    handles.Add(masked.register_forward_hook((m, input, output) =>
                    {
                        var w = masked.Weight.shape;  // the full kernel is multiplied, zeros included
                        flops += 2.0 * output.numel() * w[1] * w[2] * w[3];
                        return output;
                    }));
                    break;
            }
        }
        try
        {
            using (no_grad()) forward();
        }
        finally
        {
            foreach (var handle in handles) handle.remove();
        }
        return flops;
    }

    /// <summary>A training step costs about three forward passes: forward, and a backward pass twice as expensive.</summary>
    public static double TrainingStep(double forwardFlops) => 3 * forwardFlops;
}
