// UNet.Predict (sampling's entry point) cuts big batches into slices of 64 (faster on a CPU); the
// result must be what forward, one pass over the whole batch, gives, for every kind of condition.
using Workbook.Conditioning;
using Workbook.Models;
using Workbook.Runtime;

namespace Workbook.Tests;

[Trait("Category", "Numerics")]   // run twice by CI, once with oneDNN limited to SSE4.1 (.ci/run)
public class InferenceSlicesTests
{
    const int Batch = 2 * InferenceSlices.Size + 22;   // two whole slices and a part

    static void SameAsOnePass(Tensor whole, Tensor sliced)
    {
        Assert.Equal(whole.shape, sliced.shape);
        Assert.True(whole.allclose(sliced, rtol: 1e-4, atol: 1e-5), $"largest difference {(whole - sliced).abs().max().item<float>()}");
    }

    [Fact]
    public void UNet_in_slices_gives_the_same_output_as_one_pass()
    {
        Seeds.Global(3);
        var net = new UNet(channels: 16, timeDim: 16);
        var x = randn(Batch, 1, 14, 14);
        var t = randint(0, 1000, [Batch]);
        SameAsOnePass(net.forward(x, t).detach(), net.Predict(x, t));
        var shared = tensor(new long[] { 7 });                                         // one step shared by the batch
        SameAsOnePass(net.forward(x, shared).detach(), net.Predict(x, shared));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conditional_UNet_in_slices_gives_the_same_output_as_one_pass(bool sketch)
    {
        Seeds.Global(4);
        var net = new UNet(channels: 16, timeDim: 16, conditionShape: sketch ? [1, 7, 7] : [8]);
        var x = randn(Batch, 1, 14, 14);
        var t = randint(0, 1000, [Batch]);
        var condition = sketch ? rand(Batch, 1, 7, 7) : randn(Batch, 8);
        SameAsOnePass(net.forward(x, t, condition).detach(), net.Predict(x, t, condition));
        SameAsOnePass(net.forward(x, t, net.NullCondition(Batch)).detach(), net.Predict(x, t, net.NullCondition(Batch)));
    }

    [Fact]
    public void Slices_are_used_only_for_batches_bigger_than_a_slice_and_forward_never_slices()
    {
        Assert.True(InferenceSlices.Apply(InferenceSlices.Size + 1));
        Assert.False(InferenceSlices.Apply(InferenceSlices.Size));
        Seeds.Global(5);
        var net = new UNet(channels: 8, timeDim: 8);
        var x = randn(Batch, 1, 8, 8);
        Assert.True(net.Predict(x, zeros([Batch], int64)).requires_grad == false);         // inference: no graph kept
        Assert.True(net.forward(x, zeros([Batch], int64)).requires_grad);                  // the maths, differentiable
    }
}
