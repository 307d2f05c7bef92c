// Long training runs keep native memory flat: each step's tensors are freed by the trainer's
// dispose scope. Without it this loop grows by about a megabyte per step.
using System.Diagnostics;
using Workbook.Models;
using Workbook.Runtime;
using Workbook.Training;

namespace Workbook.Tests;

[Collection("serial")] // alone, so other tests' allocations do not blur the measurement
public class MemoryTests
{
    static long ResidentMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 >> 20;
    }

    [Fact]
    public void Training_for_a_thousand_steps_keeps_resident_memory_flat()
    {
        var generator = Seeds.Set(0);
        var model = new Mlp(inputs: 784, hidden: 16, outputs: 784, hiddenLayers: 1);
        var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        var data = rand([2048, 784], generator: generator);
        Tensor Loss(int step)
        {
            var batch = data[TensorIndex.Slice((step * 256) % 2048, (step * 256) % 2048 + 256)] * 1.0;  // (256, 784), a new tensor each step
            return nn.functional.mse_loss(model.forward(batch), batch);
        }

        Trainer.Fit(optimizer, 200, Loss);          // warm up: allocator pools, JIT, optimiser state
        long before = ResidentMegabytes();
        Trainer.Fit(optimizer, 1000, Loss);
        long after = ResidentMegabytes();
        Assert.True(after - before < 100, $"resident memory grew from {before} MB to {after} MB over 1,000 steps");
    }
}
