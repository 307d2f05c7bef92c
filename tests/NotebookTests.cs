// Every notebook runs top to bottom, headless, in quick mode, each in its own kernel process (the
// kernel VS Code uses); then the HTML book made from those runs is opened in a real browser. Every
// notebook runs through Jupyter's executor too, and shows the same kinds of output there.
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Workbook.Display;
using Workbook.Runner;
using Xunit.Abstractions;

namespace Workbook.Tests;

// Tests that start notebook kernels, measure memory or change environment variables (which child
// processes inherit) run one at a time, never beside each other.
[CollectionDefinition("serial", DisableParallelization = true)]
public class NotebookCollection;

/// <summary>Runs all notebooks once, in quick mode, for every test in this class.</summary>
public sealed class QuickRun
{
    public string Root { get; } = NotebookRun.RepositoryRoot();
    public string Output => Path.Combine(Root, "out", "tests");
    public IReadOnlyDictionary<string, NotebookResult> Results { get; }
    public string BookIndex { get; }

    public QuickRun()
    {
        NotebookRun.Prepare(Root);
        Results = NotebookRun.Notebooks(Root).ToDictionary(n => Path.GetFileName(n), n => NotebookRun.Execute(Root, n, Output, quick: true, TimeSpan.FromMinutes(10)))!;
        BookIndex = HtmlBook.Write(Path.Combine(Output, "notebooks"), Path.Combine(Output, "book"));
    }
}

[Collection("serial")]
public class NotebookTests(QuickRun run, JupyterQuickRun jupyter, ITestOutputHelper log) : IClassFixture<QuickRun>, IClassFixture<JupyterQuickRun>
{
    public static TheoryData<string> Notebooks() =>
        new(NotebookRun.Notebooks(NotebookRun.RepositoryRoot()).Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Runs_headless_in_quick_mode(string notebook)
    {
        var result = run.Results[notebook];
        log.WriteLine($"{notebook}: {result.Elapsed.TotalSeconds:F0} s, {result.Figures.Count} figures");
        Assert.True(result.ProcessProblem is null, result.ProcessProblem);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => $"cell {f.Cell} ({f.FirstLine}): {f.Error}")));
        Assert.NotEmpty(result.Figures);
    }

    /// <summary>
    /// Jupyter as a second front-end: the same notebook through nbconvert and the .NET Interactive kernel shows, in
    /// every cell, the same kinds of output (images, charts, tables, text) as through dotnet-repl, and no error;
    /// the executed copy keeps none of the kernel's start-up output and is trusted in out/jupyter's own database.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Notebooks))]
    public void Runs_through_Jupyter_with_the_outputs_dotnet_repl_shows(string notebook)
    {
        JupyterOrSkip.Check(jupyter.Missing);
        var result = jupyter.Results[notebook];
        log.WriteLine($"{notebook} through Jupyter: {result.Elapsed.TotalSeconds:F0} s, {result.Figures.Count} figures");
        Assert.True(result.ProcessProblem is null, result.ProcessProblem);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Select(f => $"cell {f.Cell} ({f.FirstLine}): {f.Error}")));

        var viaJupyter = JupyterRun.OutputKinds(JsonNode.Parse(File.ReadAllText(result.ExecutedPath))!);
        var viaRepl = JupyterRun.OutputKinds(JsonNode.Parse(File.ReadAllText(run.Results[notebook].ExecutedPath))!);
        var differ = viaRepl.Keys.Union(viaJupyter.Keys).Where(cell => viaRepl.GetValueOrDefault(cell) != viaJupyter.GetValueOrDefault(cell))
            .Select(cell => $"cell {cell}: dotnet-repl [{viaRepl.GetValueOrDefault(cell)}], Jupyter [{viaJupyter.GetValueOrDefault(cell)}]").ToList();
        Assert.True(differ.Count == 0, $"{notebook}: " + string.Join("; ", differ));
        Assert.Contains(viaJupyter.Values, kinds => kinds.Contains("image") || kinds.Contains("chart"));

        string executed = File.ReadAllText(result.ExecutedPath);
        Assert.DoesNotContain("dotnet-interactive-this-cell-", executed);
        Assert.DoesNotContain("require.js", executed);
        Assert.True(JupyterRun.IsTrusted(result.ExecutedPath, jupyter.Folder), $"{notebook}: the executed copy is not trusted in {jupyter.Folder}");
        Assert.True(File.Exists(Path.Combine(jupyter.Folder, "html", Path.ChangeExtension(notebook, ".html"))), "no HTML page");
    }

    [Fact]
    public void Source_notebooks_are_committed_without_outputs()
    {
        foreach (string notebook in NotebookRun.Notebooks(run.Root))
            Assert.False(File.ReadAllText(notebook).Contains("\"output_type\""), $"{Path.GetFileName(notebook)} carries outputs: clear them before committing.");
    }

    [SkippableFact]
    public async Task Html_book_opens_offline_with_every_chart_drawn_every_image_loaded_and_every_slider_moving()
    {
        string? browserPath = BrowserOrSkip.Find();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = browserPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var pages = Directory.GetFiles(Path.GetDirectoryName(run.BookIndex)!, "*.html").Order().ToList();
        Assert.True(pages.Count == run.Results.Count + 1, $"expected a page per notebook and a contents page, found {pages.Count}");
        foreach (string file in pages)
        {
            var page = await browser.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") problems.Add("console: " + message.Text); };
            page.PageError += (_, error) => problems.Add("page error: " + error);
            await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("file:") ? route.ContinueAsync() : route.AbortAsync());
            page.RequestFailed += (_, request) => problems.Add("request outside the book: " + request.Url);

            await page.GotoAsync(new Uri(file).AbsoluteUri);
            int charts = await page.Locator("div[id^=plotly-]").CountAsync();
            if (charts > 0) await page.WaitForFunctionAsync($"document.querySelectorAll('div[id^=plotly-] .main-svg').length >= {charts}", null, new() { Timeout = 20_000 });
            int brokenImages = await page.EvaluateAsync<int>("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length");
            // Every slider moves: set it to its last frame, then halfway, and the picture and the value shown change each time.
            string unmoved = await page.EvaluateAsync<string>(@"() => Array.from(document.querySelectorAll('.wb-slider')).map((root, k) => {
                const img = root.querySelector('img'), range = root.querySelector('input'), out = root.querySelector('output');
                if (root.querySelector('.wb-slider-note')) return 'slider ' + k + ': its script did not run';
                const before = img.src, label = out.textContent;
                range.value = range.max; range.dispatchEvent(new Event('input'));
                if (img.src === before || out.textContent === label) return 'slider ' + k + ': the last frame is not shown';
                const last = img.src;
                range.value = Math.floor(range.max / 2); range.dispatchEvent(new Event('input'));
                return img.src === last && range.max > 1 ? 'slider ' + k + ': the middle frame is not shown' : '';
            }).filter(p => p).join('; ')");
            int sliders = await page.Locator(".wb-slider").CountAsync();
            log.WriteLine($"{Path.GetFileName(file)}: {charts} charts, {await page.Locator("img").CountAsync()} images, {sliders} sliders");
            Assert.True(unmoved == "", $"{Path.GetFileName(file)}: {unmoved}");
            Assert.True(problems.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", problems)}");
            Assert.Equal(0, brokenImages);
            await page.CloseAsync();
        }
    }
}
