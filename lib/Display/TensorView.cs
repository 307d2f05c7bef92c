// How a tensor shows itself in a notebook: shape, dtype, device and value range, plus a picture
// when it is image-shaped, instead of a wall of numbers.
using static TorchSharp.torch;

namespace Workbook.Display;

public static class TensorView
{
    public static string Summary(Tensor t)
    {
        string shape = "(" + string.Join(", ", t.shape) + ")";
        string range = "";
        if (t.numel() > 0 && (t.dtype != ScalarType.Bool))
        {
            using var scope = NewDisposeScope();
            var values = t.detach().to(float64);
            range = $", min {values.min().item<double>():G4}, max {values.max().item<double>():G4}, mean {values.mean().item<double>():G4}";
        }
        return $"tensor {shape} {t.dtype} on {t.device}{range}";
    }

    /// <summary>True for (H, W), (1, H, W) or (N, 1, H, W) tensors of a plausible image size.</summary>
    public static bool LooksLikeImages(Tensor t) =>
        is_floating_point(t) && t.numel() > 0 && t.shape[^1] is >= 4 and <= 256 && t.shape[^2] is >= 4 and <= 256 &&
        (t.dim() == 2 || (t.dim() == 3 && t.shape[0] == 1) || (t.dim() == 4 && t.shape[1] == 1 && t.shape[0] <= 256));

    public static string ToHtml(Tensor t)
    {
        string text = System.Net.WebUtility.HtmlEncode(Summary(t));
        if (!LooksLikeImages(t)) return $"<pre>{text}</pre>";
        using var scope = NewDisposeScope();
        var x = t.detach();
        double low = Math.Min(0, x.min().item<float>()), high = Math.Max(1, x.max().item<float>());
        var png = ImageGrid.From(x.dim() == 3 ? x.unsqueeze(0) : x, columns: 16, scale: x.shape[^1] <= 16 ? 8 : 3, low: low, high: high);
        return $"<div><pre>{text}</pre><img src=\"{png.DataUri}\" style=\"image-rendering:pixelated\"/></div>";
    }
}
