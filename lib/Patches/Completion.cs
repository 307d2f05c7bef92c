// Completing a hidden region of a partial image, and how plausible a completion is to the model that
// drew it. Drawing the region one pixel at a time lets every pixel see the ones drawn before it;
// drawing it all at once draws each pixel from its own distribution, blind to its neighbours' draws.
// Reading a completion back pixel by pixel (the chain rule) scores both kinds fairly. Chapter 5.
using Workbook.Autoregression;
using static TorchSharp.torch;

namespace Workbook.Patches;

public static class Completion
{
    /// <summary>
    /// <paramref name="count"/> completions of <paramref name="levels"/> (1, 1, H, W) where <paramref name="hidden"/>
    /// (H, W) is true, drawn one pixel at a time in reading order or all in one evaluation.
    /// </summary>
    public static GeneratedSamples Fill(AnyOrderModel model, Tensor levels, Tensor hidden, int count, bool allAtOnce,
        Generator generator) =>
        model.Generate(PixelOrders.Completion(count, hidden, allAtOnce), generator, start: levels);

    /// <summary>
    /// The log-probability (nats, (B)) the model gives each completion <paramref name="completed"/> (B, 1, H, W),
    /// read pixel by pixel in reading order: the sum over the hidden pixels of log p(pixel | the given pixels and
    /// the hidden ones before it). One evaluation per hidden pixel.
    /// </summary>
    public static Tensor LogLikelihood(AnyOrderModel model, Tensor completed, Tensor hidden)
    {
        var order = PixelOrders.Completion((int)completed.shape[0], hidden, allAtOnce: false);
        model.eval();
        using var noGrad = no_grad();
        var total = zeros(completed.shape[0], float64, device: completed.device);
        for (int step = 0; step < order.Steps; step++)
            using (var scope = NewDisposeScope())
            {
                var logP = nn.functional.log_softmax(model.call(completed, order.VisibleBefore(step)), 1);  // (B, L, H, W)
                var ofDrawn = logP.gather(1, completed).to(float64);                                      // (B, 1, H, W)
                total.add_((ofDrawn * order.GeneratedAt(step)).sum([1, 2, 3]));
            }
        return total;
    }
}
