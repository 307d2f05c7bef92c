// Telling a network which step it is at: the step number becomes a vector of sines and cosines
// at geometrically spaced frequencies (Vaswani et al. 2017; Ho et al. 2020). Chapter 7.
using static TorchSharp.torch;

namespace Workbook.Models;

public static class TimeEmbedding
{
    /// <summary>
    /// (B) step numbers to (B, dim): the first half sin(t * f_k), the second half cos(t * f_k), with
    /// frequencies f_k = 10000^(-k / (dim/2)) from 1 down to about 1/10000. Nearby steps get similar
    /// vectors, distant steps different ones, and nothing has to be learned.
    /// </summary>
    public static Tensor Sinusoidal(Tensor t, int dim)
    {
        if (dim < 2 || dim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "dim must be an even number of at least 2.");
        int half = dim / 2;
        var frequencies = exp(arange(half, dtype: float32, device: t.device) * (-Math.Log(10000.0) / half));   // (half)
        var angles = t.to(float32).unsqueeze(1) * frequencies.unsqueeze(0);                                    // (B, half)
        return cat([sin(angles), cos(angles)], 1);                                                             // (B, dim)
    }
}
