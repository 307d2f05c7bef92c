// Image grids: size arithmetic, nearest-neighbour upscaling and grey-level mapping, read back
// from the PNG itself.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Workbook.Display;

namespace Workbook.Tests;

[Collection("serial")]
public class DisplayTests
{
    [Fact]
    public void Grid_has_the_expected_size_and_crisp_upscaled_pixels()
    {
        // Two 2x2 images: a black/white checker and its inverse.
        var images = tensor(new float[] { 0, 1, 1, 0, 1, 0, 0, 1 }, [2, 1, 2, 2]);
        var png = ImageGrid.From(images, columns: 2, scale: 3, padding: 1);
        // width = padding + 2 cells of (2*3 + padding); height = padding + 1 cell.
        Assert.Equal((1 + 2 * 7, 1 + 7), (png.Width, png.Height));

        using var image = Image.Load<L8>(png.Bytes);
        Assert.Equal(0, image[1, 1].PackedValue);     // first image, top-left pixel (black)...
        Assert.Equal(0, image[3, 3].PackedValue);     // ...drawn as a 3x3 square
        Assert.Equal(255, image[4, 1].PackedValue);   // its top-right pixel (white)
        Assert.Equal(255, image[8, 1].PackedValue);   // second image, top-left (white)
        Assert.Equal(96, image[0, 0].PackedValue);    // the grey frame
    }

    [Fact]
    public void Values_are_mapped_from_low_to_high_and_clipped()
    {
        var png = ImageGrid.From(tensor(new float[] { -1, 0, 1, 5 }, [1, 1, 1, 4]), scale: 1, padding: 0, low: -1, high: 1);
        using var image = Image.Load<L8>(png.Bytes);
        Assert.Equal([0, 128, 255, 255], Enumerable.Range(0, 4).Select(x => (int)image[x, 0].PackedValue));
    }

    [Fact]
    public void Wrong_shapes_and_empty_batches_are_refused_clearly()
    {
        Assert.Contains("(N, 1, H, W)", Assert.Throws<ArgumentException>(() => ImageGrid.From(zeros(2, 3, 4, 4))).Message);
        Assert.Contains("N = 0", Assert.Throws<ArgumentException>(() => ImageGrid.From(zeros(0, 1, 4, 4))).Message);
    }

    [Fact]
    public void Hidden_pixels_are_hatched_grey_and_a_marked_pixel_is_outlined_in_orange()
    {
        // One 2x2 black image; pixel (0, 1) hidden, pixel (1, 0) marked; scale 8, no padding.
        var hidden = tensor(new[] { false, true, false, false }, [2, 2]);
        var png = ImageGrid.From(zeros(1, 1, 2, 2), scale: 8, padding: 0, hidden: hidden, marks: [new PixelMark(0, 1, 0)]);
        using var image = Image.Load<Rgb24>(png.Bytes);
        Assert.Equal(new Rgb24(0, 0, 0), image[4, 4]);                          // a known black pixel stays black
        var hatch = Enumerable.Range(8, 8).Select(x => image[x, 3].R).Distinct().Order().ToArray();
        Assert.Equal([110, 150], hatch);                                        // the hidden one: two greys, neither black
        Assert.Equal(ImageGrid.MarkColour, image[0, 8]);                        // the marked one: orange frame...
        Assert.Equal(ImageGrid.MarkColour, image[7, 15]);
        Assert.Equal(new Rgb24(0, 0, 0), image[4, 12]);                         // ...around its own value
    }

    [Fact]
    public void By_default_a_digit_is_drawn_at_least_112_pixels_tall()
    {
        Assert.Equal((8, 4, 14), (ImageGrid.ScreenScale(14), ImageGrid.ScreenScale(28), ImageGrid.ScreenScale(8)));
        Assert.Equal(1 + 14 * 8 + 1, ImageGrid.From(zeros(1, 1, 14, 14)).Height);
    }

    [Fact]
    public void A_neighbourhood_zooms_on_one_pixel_stays_inside_the_image_and_outlines_that_pixel()
    {
        // A white pixel in the top-right corner of a black 14x14 image: the 5x5 square is shifted to the
        // image's corner, drawn 23x (5 * 23 = 115 >= 112), and the white pixel is its top-right one, outlined.
        var image = zeros(1, 1, 14, 14);
        image[0, 0, 0, 13] = tensor(1f);
        var png = ImageGrid.Neighbourhood(image, row: 0, column: 13, radius: 2);
        Assert.Equal((2 + 5 * 23 + 2, 2 + 5 * 23 + 2), (png.Width, png.Height));
        using var picture = Image.Load<Rgb24>(png.Bytes);
        int left = 2 + 4 * 23, top = 2;                                         // the square of crop pixel (0, 4)
        Assert.Equal(ImageGrid.MarkColour, picture[left, top]);                 // its frame...
        Assert.Equal(new Rgb24(255, 255, 255), picture[left + 12, top + 12]);   // ...around its white value
        Assert.Equal(new Rgb24(0, 0, 0), picture[2 + 12, 2 + 12]);              // crop pixel (0, 0): black, no frame
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Neighbourhood(image, 14, 0));
        Assert.Contains("rows 0..13", e.Message);
        Assert.Contains("radius must be 1 to 6", Assert.Throws<ArgumentOutOfRangeException>(
            () => ImageGrid.Neighbourhood(image, 3, 3, radius: 7)).Message);
    }

    [Fact]
    public void A_mark_outside_the_images_or_a_mask_of_another_shape_is_refused_with_the_allowed_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.From(zeros(2, 1, 3, 3), marks: [new PixelMark(2, 0, 0)]));
        Assert.Contains("images 0..1, rows 0..2, columns 0..2", e.Message);
        var m = Assert.Throws<ArgumentException>(() => ImageGrid.From(zeros(2, 1, 3, 3), hidden: zeros(3, 3, dtype: ScalarType.Bool).view(1, 1, 3, 3).expand(3, 1, 3, 3)));
        Assert.Contains("one image's (3, 3)", m.Message);
    }

    [Fact]
    public void Gallery_embeds_each_image_with_its_caption()
    {
        var png = ImageGrid.From(zeros(1, 1, 2, 2));
        string html = Gallery.Of(("mean <image>", png), ("model", png)).ToHtml();
        Assert.Contains("mean &lt;image&gt;", html);
        Assert.Equal(2, html.Split("data:image/png;base64,").Length - 1);
    }

    [Fact]
    public void Export_writes_atomically_and_leaves_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("export").FullName;
        string path = ImageGrid.From(ones(1, 1, 2, 2)).Save(Path.Combine(folder, "ch1", "grid.png"));
        Assert.True(File.Exists(path));
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "ch1")));
        Directory.Delete(folder, true);
    }
}

public class TextTableTests
{
    [Fact]
    public void Columns_are_aligned_under_their_headers()
    {
        string table = TextTable.Format(["patch", "evaluations"], [["1x1", 196], ["14x14", 1]]);
        Assert.Equal("patch   evaluations\n-------------------\n1x1             196\n14x14             1", table);
        Assert.Throws<ArgumentException>(() => TextTable.Format(["a", "b"], [["only one"]]));
    }
}

public class TableTests
{
    [Fact]
    public void Html_has_one_row_per_entry_and_escapes_cells_and_text_falls_back_to_TextTable()
    {
        var table = Table.Of(["input", "output"], [["a <black> image", "(2, 196)"], ["x", "y"]]);
        string html = table.ToHtml();
        Assert.Equal(3, html.Split("<tr>").Length - 1);                  // header + two rows
        Assert.Contains("a &lt;black&gt; image", html);
        Assert.DoesNotContain("<black>", html);
        Assert.Equal(TextTable.Format(table.Headers, table.Rows), table.ToString());
        Assert.Throws<ArgumentException>(() => Table.Of(["a", "b"], [["only one"]]));
    }

    [Fact]
    public void A_slider_carries_every_frame_says_when_scripts_are_off_and_refuses_frames_of_another_size()
    {
        var frames = new[] { 0.0, 0.5, 1.0 };
        var slider = Slider.Of("grey <levels>", "value", frames, v => ImageGrid.From(full([1, 1, 2, 2], v), scale: 3));
        string html = slider.ToHtml();
        foreach (var (_, image) in slider.Frames) Assert.Contains(image.DataUri, html);
        Assert.Contains("grey &lt;levels&gt;", html);                                   // the title is escaped
        Assert.Contains("the first of 3 frames", html);                                 // what a page without scripts says
        Assert.Equal(html, Slider.Of("grey <levels>", "value", frames, v => ImageGrid.From(full([1, 1, 2, 2], v), scale: 3)).ToHtml());
        var e = Assert.Throws<ArgumentException>(() => Slider.Of("sizes", "n", new[] { 1, 2 },
            n => ImageGrid.From(zeros(1, 1, 2, 2), scale: n)));
        Assert.Contains("frame 1 (n = 2) is 6x6 pixels, frame 0 is 4x4", e.Message);
        Assert.Throws<ArgumentException>(() => Slider.Of("none", "n", Array.Empty<int>(), n => ImageGrid.From(zeros(1, 1, 2, 2))));
    }
}
