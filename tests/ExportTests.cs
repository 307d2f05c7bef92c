// Exports for slides: GIF animations with every frame, charts rendered to real PNG and SVG by a
// local Chromium, clear words when no browser is there, and names that cannot escape the folder.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Workbook.Display;

namespace Workbook.Tests;

[Collection("serial")]
public class ExportTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("exports").FullName;

    public ExportTests() => Environment.SetEnvironmentVariable("WORKBOOK_EXPORT", folder);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("WORKBOOK_EXPORT", null);
        Environment.SetEnvironmentVariable("WORKBOOK_CHROMIUM", null);
        Directory.Delete(folder, recursive: true);
    }

    static Plotly.NET.GenericChart SomeChart() => Charts.Lines("a line", "x", "y", new Series("parabola", [0, 1, 2, 3], [0, 1, 4, 9]));

    [Fact]
    public void Gif_has_one_frame_per_step_and_the_grid_size()
    {
        var frames = Enumerable.Range(0, 5).Select(i => full(2, 1, 3, 3, i / 4.0)).ToList();
        var gif = GifAnimation.From(frames, columns: 2, scale: 2, padding: 1);
        string path = Export.Animation(gif, "test-fill");
        using var image = Image.Load<Rgba32>(path);
        Assert.Equal(5, image.Frames.Count);
        Assert.Equal((1 + 2 * 7, 1 + 7), (image.Width, image.Height));
        // The first frame is black inside the cells, the last white.
        Assert.Equal(0, image.Frames[0][2, 2].R);
        Assert.Equal(255, image.Frames[4][2, 2].R);
    }

    [SkippableFact]
    public void Chart_exports_to_png_and_svg_with_a_local_browser()
    {
        BrowserOrSkip.Find();
        string report = Export.Chart(SomeChart(), "test-chart", scale: 1);
        Assert.DoesNotContain("not written", report);
        using var png = Image.Load<Rgba32>(Path.Combine(folder, "test-chart.png"));
        Assert.Equal((Charts.Width, Charts.Height), (png.Width, png.Height));
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(folder, "test-chart.svg")));
        Assert.Contains(">a line<", File.ReadAllText(Path.Combine(folder, "test-chart.svg")));   // the title, as SVG text
        Assert.Contains("Plotly", File.ReadAllText(Path.Combine(folder, "test-chart.html")));
    }

    static Gallery TwoPictures() => new([("all black", ImageGrid.From(zeros(1, 1, 14, 14))),
                                          ("all white", ImageGrid.From(ones(1, 1, 14, 14)))], Title: "Two squares");

    [SkippableFact]
    public void A_gallery_exports_as_one_picture_with_its_title_and_captions_in_the_pixels()
    {
        BrowserOrSkip.Find();
        string report = Export.Gallery(TwoPictures(), "test-gallery");
        Assert.DoesNotContain("without", report);
        using var png = Image.Load<Rgb24>(Path.Combine(folder, "test-gallery.png"));
        Assert.True(png.Width >= 2 * 114 && png.Height > 114 + 40, $"{png.Width}x{png.Height}");
        // Below the pictures (and above them, the title) there is dark text on white.
        int Dark(int fromY, int toY) => Enumerable.Range(fromY, toY - fromY)
            .Sum(y => Enumerable.Range(0, png.Width).Count(x => png[x, y].R < 100));
        Assert.Equal(0, Dark(0, 14));                                           // the margin is white
        Assert.True(Dark(16, 16 + 28) > 30);                                    // the title
        Assert.True(Dark(png.Height - 40, png.Height) > 30);                    // the captions
    }

    [Fact]
    public void Without_a_browser_a_gallery_is_its_pictures_side_by_side_and_the_reason_is_given()
    {
        Environment.SetEnvironmentVariable("WORKBOOK_CHROMIUM", "/nowhere/chromium");
        string report = Export.Gallery(TwoPictures(), "no-browser-gallery");
        Assert.Contains("without title and captions: No Chromium", report);
        using var png = Image.Load<Rgb24>(Path.Combine(folder, "no-browser-gallery.png"));
        Assert.Equal((16 + 114 + 16 + 114 + 16, 16 + 114 + 16), (png.Width, png.Height));
        Assert.Equal(new Rgb24(255, 255, 255), png[16 + 114 + 16 + 50, 16 + 50]);  // the white one, second
        Assert.Equal(new Rgb24(0, 0, 0), png[16 + 50, 16 + 50]);
    }

    [Fact]
    public void Without_a_browser_the_chart_is_still_saved_as_html_and_the_reason_is_given()
    {
        Environment.SetEnvironmentVariable("WORKBOOK_CHROMIUM", "/nowhere/chromium");
        string report = Export.Chart(SomeChart(), "no-browser");
        Assert.Contains("PNG and SVG not written: No Chromium", report);
        Assert.True(File.Exists(Path.Combine(folder, "no-browser.html")));
        Assert.False(File.Exists(Path.Combine(folder, "no-browser.png")));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(244)]
    [InlineData(251)]
    public void Figure_names_longer_than_200_characters_are_refused_before_any_file_is_made(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Export.Image(ImageGrid.From(zeros(1, 1, 2, 2)), new string('a', length)));
        Assert.Contains($"{length} characters", e.Message);
        Assert.Contains("at most 200", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.EndsWith(new string('a', 200) + ".png", Export.PathFor(new string('a', 200), ".png"));
    }

    [Fact]
    public void A_failed_write_leaves_no_temporary_file_and_names_the_path()
    {
        Directory.CreateDirectory(Path.Combine(folder, "taken.png"));   // a folder where the figure should go
        var e = Assert.Throws<IOException>(() => Export.Image(ImageGrid.From(zeros(1, 1, 2, 2)), "taken"));
        Assert.Contains(Path.Combine(folder, "taken.png"), e.Message);
        Assert.Contains("could not be written", e.Message);
        Assert.Equal(["taken.png"], Directory.GetFileSystemEntries(folder).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Figure_names_cannot_leave_the_export_folder(string name)
    {
        Assert.Throws<ArgumentException>(() => Export.PathFor(name, ".png"));
    }
}
