// Runs once before any test: torch computes on one thread in the test process. Tests run in
// parallel, so one thread each keeps them from fighting over the cores, and the same seed with the
// same thread count gives the same numbers. Notebooks, run in their own processes, keep the default.
using System.Runtime.CompilerServices;

namespace Workbook.Tests;

static class TestSetup
{
    [ModuleInitializer]
    internal static void OneThread() => set_num_threads(1);
}
