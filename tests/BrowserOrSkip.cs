// The two browser tests need Chromium (Debian: apt-get install chromium), which a fresh machine may
// lack. There they are reported as skipped, with the fix, so `dotnet test` passes without a manual step;
// under CI (CI=true, where .ci/run installs Chromium) a missing browser fails them instead.
using Workbook.Display;

namespace Workbook.Tests;

static class BrowserOrSkip
{
    public static string Find()
    {
        string? browser = ChartExport.FindBrowser();
        const string why = "No Chromium found: install Debian's chromium package (apt-get install chromium) or set WORKBOOK_CHROMIUM.";
        if (browser is null && Environment.GetEnvironmentVariable("CI") != "true") throw new SkipException(why);
        Assert.True(browser is not null, why);
        return browser!;
    }
}
