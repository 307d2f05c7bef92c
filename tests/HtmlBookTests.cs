// The HTML book's contents list every executed notebook in out/notebooks, not only the last run's,
// each marked with the mode it ran in and when, so a book that mixes quick and full runs says so.
using Workbook.Runner;

namespace Workbook.Tests;

public class HtmlBookTests : IDisposable
{
    readonly string output = Directory.CreateTempSubdirectory("runner-out").FullName;
    string Notebooks => Path.Combine(output, "notebooks");

    public void Dispose() => Directory.Delete(output, recursive: true);

    /// <summary>An executed notebook as dotnet-repl writes it: here only a title cell.</summary>
    string Executed(string name, string title)
    {
        Directory.CreateDirectory(Notebooks);
        string path = Path.Combine(Notebooks, name + ".ipynb");
        File.WriteAllText(path, $$"""{"cells":[{"cell_type":"markdown","id":"c1","metadata":{},"source":["# {{title}}\n"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}""");
        return path;
    }

    [Fact]
    public void A_quick_run_of_one_chapter_keeps_the_others_in_the_contents_and_marks_each_mode()
    {
        string first = Executed("01-prediction-is-curve-fitting", "Prediction is curve fitting");
        NotebookRun.WriteRecord(first, quick: false, finished: new DateTime(2025, 3, 1, 9, 30, 0, DateTimeKind.Utc), TimeSpan.FromSeconds(40), passed: true);
        HtmlBook.Write(Notebooks, Path.Combine(output, "book"));

        string ninth = Executed("09-text-conditioning", "Text conditioning");
        NotebookRun.WriteRecord(ninth, quick: true, finished: new DateTime(2025, 3, 2, 14, 5, 0, DateTimeKind.Utc), TimeSpan.FromSeconds(12), passed: true);
        string index = HtmlBook.Write(Notebooks, Path.Combine(output, "book"));   // `--quick 09` after a full run of chapter 1

        string contents = File.ReadAllText(index);
        Assert.Contains("Prediction is curve fitting", contents);
        Assert.Contains("Text conditioning", contents);
        Assert.Contains("full mode, 2025-03-01 09:30 UTC", contents);
        Assert.Contains("quick mode, 2025-03-02 14:05 UTC", contents);
        Assert.Contains("mixes quick-mode and full-mode chapters", contents);
        Assert.True(File.Exists(Path.Combine(output, "book", "01-prediction-is-curve-fitting.html")));
        Assert.Contains("quick mode", File.ReadAllText(Path.Combine(output, "book", "09-text-conditioning.html")));
    }

    [Fact]
    public void A_notebook_without_a_run_record_is_listed_as_mode_unknown()
    {
        string path = Executed("03-pixel-by-pixel", "Pixel by pixel");
        string contents = File.ReadAllText(HtmlBook.Write(Notebooks, Path.Combine(output, "book")));
        Assert.Contains("mode not recorded", contents);
        Assert.Null(NotebookRun.ReadRecord(path));
    }

    [Fact]
    public void The_run_record_sits_beside_the_executed_notebook_and_reads_back()
    {
        string path = Executed("05-patches-and-order", "Patches");
        var finished = new DateTime(2025, 3, 2, 14, 5, 0, DateTimeKind.Utc);
        NotebookRun.WriteRecord(path, quick: true, finished, TimeSpan.FromSeconds(12.5), passed: false);
        Assert.True(File.Exists(Path.Combine(Notebooks, "05-patches-and-order.run.json")));
        Assert.Equal(new NotebookRunRecord("quick", finished, 12.5, false), NotebookRun.ReadRecord(path));
    }

    [SkippableFact]
    public void Figures_are_extracted_a_gallery_as_one_picture_and_a_chart_as_png_and_svg()
    {
        BrowserOrSkip.Find();
        var gallery = Workbook.Display.Gallery.Titled("A comparison",
            ("left", Workbook.Display.ImageGrid.From(zeros(1, 1, 14, 14))), ("right", Workbook.Display.ImageGrid.From(ones(1, 1, 14, 14))));
        string chart = Workbook.Display.ChartHtml.Fragment(Workbook.Display.Charts.Lines("a line", "x", "y",
            new Workbook.Display.Series("s", [0, 1], [1, 2])));
        string Output(string html) => new System.Text.Json.Nodes.JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = new System.Text.Json.Nodes.JsonObject { ["text/html"] = html },
        }.ToJsonString();
        var document = System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"cells":[{"cell_type":"code","source":"// Figure: two squares\nx","outputs":[{{Output(gallery.ToHtml())}}]},
                      {"cell_type":"code","source":"y","outputs":[{{Output(chart)}}]}]}
            """)!;
        var saved = FigureExtraction.Save(document, Path.Combine(output, "figures"));
        Assert.Equal(["two-squares.png", "cell02.png", "cell02.svg"], saved.Select(Path.GetFileName));
        using var picture = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(saved[0]);
        Assert.True(picture.Width > 2 * 114, $"one picture of both panels: {picture.Width} wide");
        Assert.StartsWith("<svg", File.ReadAllText(saved[2]));
        var back = FigureExtraction.ParseGallery(gallery.ToHtml())!;          // what the extraction read
        Assert.Equal((gallery.Title, gallery.Columns), (back.Title, back.Columns));
        Assert.Equal(gallery.Items.Select(i => (i.Caption, i.Image.Width, i.Image.Bytes.Length)),
                     back.Items.Select(i => (i.Caption, i.Image.Width, i.Image.Bytes.Length)));
    }
}
