// Figures as image files for slides, rendered by a local Chromium in headless mode: a chart by its
// own plotly.js (embedded, no network) as PNG and SVG, and a gallery as one PNG with its title and
// captions drawn into the pixels. Many figures render in one browser start. Chapter 1.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Plotly.NET;

namespace Workbook.Display;

/// <summary>
/// One picture to render: a chart (<paramref name="Spec"/> is the chart's JSON) as "png" or "svg", or a
/// gallery (<paramref name="Spec"/> is <see cref="Gallery.ToJson"/>) as "png".
/// </summary>
public sealed record RenderJob(string Kind, string Spec, string Format = "png", int Scale = 2)
{
    public static RenderJob Chart(GenericChart chart, string format = "png", int scale = 2) =>
        new("chart", GenericChart.toJson(chart), format, scale);

    public static RenderJob Picture(Gallery gallery) => new("gallery", gallery.ToJson());
}

public static partial class ChartExport
{
    /// <summary>The browser used for export: WORKBOOK_CHROMIUM if set, else the first one found on PATH.</summary>
    public static string? FindBrowser()
    {
        string? given = Environment.GetEnvironmentVariable("WORKBOOK_CHROMIUM");
        if (!string.IsNullOrEmpty(given)) return File.Exists(given) ? given : null;
        string[] names = OperatingSystem.IsWindows() ? ["chrome.exe", "msedge.exe"] : ["chromium", "chromium-browser", "google-chrome", "microsoft-edge"];
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).ToList();
        if (OperatingSystem.IsMacOS()) folders.Add("/Applications/Google Chrome.app/Contents/MacOS");
        foreach (string folder in folders)
            foreach (string name in names.Append("Google Chrome"))
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>What to do when no browser is found.</summary>
    public const string NoBrowser =
        "No Chromium or Chrome found for figure export. Install one (Debian: apt-get install chromium) or set WORKBOOK_CHROMIUM to its path.";

    /// <summary>A stand-alone HTML page of the chart with plotly.js inside: opens from disk with no network.</summary>
    public static string StandaloneHtml(GenericChart chart, string title) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>" +
        $"<script>{ChartHtml.PlotlyJs.Value}</script></head><body>{ChartHtml.Fragment(chart)}</body></html>";

    /// <summary>
    /// Renders the chart to an image: "png" (at <paramref name="scale"/> times its size) or "svg".
    /// Throws InvalidOperationException with advice when no browser is found or rendering fails.
    /// </summary>
    public static byte[] Render(GenericChart chart, string format, int scale = 2, TimeSpan? timeout = null) =>
        RenderAll([RenderJob.Chart(chart, format, scale)], timeout)[0];

    /// <summary>
    /// Renders every job in one browser start and returns the files' bytes in the same order. Throws
    /// InvalidOperationException with advice when no browser is found, it fails, or a job does not render.
    /// </summary>
    public static IReadOnlyList<byte[]> RenderAll(IReadOnlyList<RenderJob> jobs, TimeSpan? timeout = null)
    {
        foreach (var job in jobs)
            if (!(job.Kind == "chart" && job.Format is "png" or "svg" || job.Kind == "gallery" && job.Format == "png"))
                throw new ArgumentException($"cannot render a {job.Kind} as '{job.Format}': charts as png or svg, galleries as png.");
        if (jobs.Count == 0) return [];
        string browser = FindBrowser() ?? throw new InvalidOperationException(NoBrowser);

        string folder = Directory.CreateTempSubdirectory("figure-export").FullName;
        try
        {
            // The page draws each figure, turns it into a data URL and writes them all into the page,
            // which Chromium then prints with --dump-dom.
            string page = Path.Combine(folder, "figures.html");
            string specs = "[" + string.Join(",", jobs.Select(j =>
                $"{{\"kind\":{JsonSerializer.Serialize(j.Kind)},\"format\":{JsonSerializer.Serialize(j.Format)},\"scale\":{j.Scale},\"spec\":{j.Spec}}}")) + "]";
            File.WriteAllText(page,
                $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script>{ChartHtml.PlotlyJs.Value}</script></head><body>" +
                $"<pre id=\"result\"></pre><script>var jobs={specs};{RenderScript}</script></body></html>");
            var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                                           "--disable-sync", "--no-first-run", "--user-data-dir=" + Path.Combine(folder, "profile"),
                                           "--virtual-time-budget=120000", "--dump-dom", new Uri(page).AbsoluteUri })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60 + 5 * jobs.Count)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{browser} did not finish rendering {jobs.Count} figure(s) within the time limit.");
            }
            var match = ResultList().Match(output.Result);
            if (!match.Success) throw new InvalidOperationException($"{browser} ran but returned no image (exit code {process.ExitCode}).");
            var urls = JsonSerializer.Deserialize<string[]>(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value))!;
            return urls.Select((url, i) => url.StartsWith("data:") ? Decode(url)
                : throw new InvalidOperationException($"figure {i + 1} of {jobs.Count} ({jobs[i].Kind}) did not render: {url}")).ToList();
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a browser helper may still hold the profile */ }
        }
    }

    static byte[] Decode(string url)
    {
        string payload = url[(url.IndexOf(',') + 1)..];
        return url.Contains(";base64,") ? Convert.FromBase64String(payload) : System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
    }

    // Charts: drawn by plotly.js with the projector font, then Plotly.toImage. Galleries: drawn on a canvas,
    // a bold title on top, the pictures side by side (wrapping after `columns`) with their captions below,
    // wrapped to the picture's width.
    const string RenderScript = "function chart(job){var c=job.spec;" + ChartHtml.ProjectorFont + """

          var div=document.createElement('div');document.body.appendChild(div);
          return Plotly.newPlot(div,c.data,c.layout,c.config)
            .then(function(gd){return Plotly.toImage(gd,{format:job.format,scale:job.scale});})
            .then(function(url){Plotly.purge(div);div.remove();return url;});}
        function load(src){return new Promise(function(ok,fail){var im=new Image();im.onload=function(){ok(im);};
          im.onerror=function(){fail('an image did not load');};im.src=src;});}
        function lines(ctx,text,width){var words=text.split(' '),out=[],line='';
          words.forEach(function(w){var t=line?line+' '+w:w;if(line&&ctx.measureText(t).width>width){out.push(line);line=w;}else line=t;});
          if(line)out.push(line);return out;}
        function gallery(job){var g=job.spec;return Promise.all(g.items.map(function(it){return load(it.src);})).then(function(ims){
          var canvas=document.createElement('canvas'),ctx=canvas.getContext('2d'),pad=16,gap=24,lh=22,font='17px sans-serif';
          ctx.font=font;var cols=g.columns||ims.length,cells=ims.map(function(im,i){var w=Math.max(im.width,150);
            return {im:im,w:w,caption:lines(ctx,g.items[i].caption,w)};});
          var rows=[];for(var i=0;i<cells.length;i+=cols)rows.push(cells.slice(i,i+cols));
          var width=Math.max.apply(null,rows.map(function(r){return r.reduce(function(s,c){return s+c.w;},0)+gap*(r.length-1);}));
          ctx.font='bold 21px sans-serif';var title=g.title?lines(ctx,g.title,Math.max(width,400)):[];
          width=Math.max(width,title.length?Math.max.apply(null,title.map(function(t){return ctx.measureText(t).width;})):0);
          var heights=rows.map(function(r){return Math.max.apply(null,r.map(function(c){return c.im.height+8+lh*c.caption.length;}));});
          canvas.width=Math.ceil(width+2*pad);canvas.height=Math.ceil(pad*2+title.length*28+(title.length?8:0)+heights.reduce(function(a,b){return a+b;},0)+gap*(rows.length-1));
          ctx.fillStyle='#fff';ctx.fillRect(0,0,canvas.width,canvas.height);ctx.imageSmoothingEnabled=false;ctx.textBaseline='top';
          ctx.fillStyle='#111';ctx.font='bold 21px sans-serif';var y=pad;title.forEach(function(t){ctx.fillText(t,pad,y);y+=28;});if(title.length)y+=8;
          rows.forEach(function(r,k){var x=pad;r.forEach(function(c){ctx.drawImage(c.im,x+(c.w-c.im.width)/2,y);ctx.font=font;ctx.fillStyle='#222';
            c.caption.forEach(function(t,j){ctx.fillText(t,x+(c.w-ctx.measureText(t).width)/2,y+c.im.height+8+j*lh);});x+=c.w+gap;});
            y+=heights[k]+gap;});
          return canvas.toDataURL('image/png');});}
        var results=[];
        jobs.reduce(function(p,job,i){return p.then(function(){return job.kind==='chart'?chart(job):gallery(job);})
          .then(function(url){results[i]=url;},function(e){results[i]='error: '+e;});},Promise.resolve())
          .then(function(){document.getElementById('result').textContent='RESULT:'+JSON.stringify(results)+':END';});
        """;

    [GeneratedRegex("RESULT:(.*?):END", RegexOptions.Singleline)]
    private static partial Regex ResultList();
}
