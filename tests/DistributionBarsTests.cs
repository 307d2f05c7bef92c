// The bar strip beside chapter 3's filling canvas: bar heights read back from the PNG against the
// probabilities, the drawn level in orange, the grey swatches, rows that line up with a column of
// ImageGrid images, and pictures put side by side.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Workbook.Display;

namespace Workbook.Tests;

[Collection("serial")]
public class DistributionBarsTests
{
    // Bars 12 wide with gaps of 3, one pixel of padding: bar k starts at x = 1 + 3 + 15 k.
    static int BarLeft(int level) => 1 + 3 + 15 * level;

    static int ColouredHeight(Image<Rgb24> image, int x, int top, int bottom, Rgb24 colour) =>
        Enumerable.Range(top, bottom - top).Count(y => image[x, y].Equals(colour));

    [Fact]
    public void Bar_heights_follow_the_probabilities_and_the_drawn_level_is_orange()
    {
        // rowHeight 112: swatch 14, room for bars 112 - 14 - 2 = 96 pixels.
        var p = tensor(new double[] { 0.5, 0.25, 0.0, 0.25 });
        var png = DistributionBars.From(p, rowHeight: 112, barWidth: 12, chosen: tensor(new long[] { 1 }));
        Assert.Equal((1 + 4 * 15 + 3 + 1, 1 + 113), (png.Width, png.Height));
        using var image = Image.Load<Rgb24>(png.Bytes);
        int centre(int k) => BarLeft(k) + 6;
        Assert.Equal(48, ColouredHeight(image, centre(0), 1, 113, DistributionBars.BarColour));   // 0.5 * 96
        Assert.Equal(24, ColouredHeight(image, centre(1), 1, 113, ImageGrid.MarkColour));        // 0.25 * 96, orange
        Assert.Equal(0, ColouredHeight(image, centre(1), 1, 113, DistributionBars.BarColour));
        Assert.Equal(0, ColouredHeight(image, centre(2), 1, 113, DistributionBars.BarColour));
        Assert.Equal(24, ColouredHeight(image, centre(3), 1, 113, DistributionBars.BarColour));
        // The swatches under the bars: black for level 0, white for level K - 1, 1/3 grey for level 1.
        Assert.Equal(new Rgb24(0, 0, 0), image[centre(0), 110]);
        Assert.Equal(new Rgb24(85, 85, 85), image[centre(1), 110]);
        Assert.Equal(new Rgb24(255, 255, 255), image[centre(3), 110]);
        // Bars stand on the same baseline: the pixel just above the swatch is bar, the one at the top of a half bar is not.
        Assert.Equal(DistributionBars.BarColour, image[centre(0), 1 + 95]);
        Assert.Equal(DistributionBars.Background, image[centre(0), 1 + 95 - 48]);
    }

    [Fact]
    public void One_strip_per_image_lines_up_with_a_column_of_images()
    {
        var images = zeros(3, 1, 8, 8);
        var grid = ImageGrid.From(images, columns: 1, scale: 14);
        var bars = DistributionBars.From(randn(3, 17).softmax(1), rowHeight: 8 * 14);
        Assert.Equal(grid.Height, bars.Height);
        var both = DistributionBars.Beside(grid, bars);
        Assert.Equal((grid.Width + 12 + bars.Width, grid.Height), (both.Width, both.Height));
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_reason()
    {
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentException>(
            () => DistributionBars.From(tensor(new double[] { 1.5, -0.5 }))).Message);
        Assert.Contains("(K) or (N, K)", Assert.Throws<ArgumentException>(
            () => DistributionBars.From(zeros(2, 3, 4))).Message);
        Assert.Contains("one level in 0..2", Assert.Throws<ArgumentException>(
            () => DistributionBars.From(ones(2, 3) / 3, chosen: tensor(new long[] { 0, 3 }))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DistributionBars.From(ones(3) / 3, rowHeight: 8));
    }

    [Fact]
    public void Pictures_of_one_size_make_an_animation()
    {
        var frames = Enumerable.Range(0, 3).Select(i =>
            DistributionBars.From(tensor(new double[] { i / 2.0, 1 - i / 2.0 }), rowHeight: 32)).ToList();
        var gif = GifAnimation.FromPictures(frames, frameMilliseconds: 50);
        Assert.Equal((3, frames[0].Width, frames[0].Height), (gif.Frames, gif.Width, gif.Height));
        var odd = frames.Append(DistributionBars.From(ones(3) / 3, rowHeight: 32)).ToList();
        Assert.Contains("different size", Assert.Throws<ArgumentException>(() => GifAnimation.FromPictures(odd)).Message);
    }
}
