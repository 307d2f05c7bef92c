// Runs once before any test: torch computes on one thread in the test process. TorchSharp 0.107's
// CPU backward pass of convolutions now and then returns NaN gradients on two or more threads
// (README, "What is guaranteed"); tests that compare gradients with exact zeros must not depend on
// that. Notebooks, run in their own processes, keep the default thread count.
using System.Runtime.CompilerServices;

namespace Workbook.Tests;

static class TestSetup
{
    [ModuleInitializer]
    internal static void OneThread() => set_num_threads(1);
}
