// Getting numbers out of tensors for charts and tables.
using static TorchSharp.torch;

namespace Workbook.Runtime;

public static class TensorValues
{
    /// <summary>All values of <paramref name="t"/>, flattened, as doubles (copied to the CPU).</summary>
    public static double[] ToDoubles(this Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to(CPU).to(float64).contiguous().data<double>().ToArray();
    }
}
