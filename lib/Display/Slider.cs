// A slider over precomputed pictures: one frame per setting (a noising step, a temperature, a guidance
// scale, a generation step), scrubbed in the page itself, with no kernel and no network. The same
// HTML works in VS Code's notebook output, in Jupyter (where a notebook must be trusted to run its
// scripts) and in the offline book. Without scripts it shows the first frame and says why.
// Chapters 3, 5, 6, 7 and 10.
using System.Text.Json;

namespace Workbook.Display;

/// <summary>A titled picture and a slider that picks which of <see cref="Frames"/> it shows.</summary>
public sealed record Slider(string Title, string Label, IReadOnlyList<(string Value, PngImage Image)> Frames)
{
    /// <summary>
    /// One frame per value, each drawn by <paramref name="draw"/>; every frame must have the same size. The slider
    /// shows each value as <paramref name="name"/> writes it (by default the value itself).
    /// </summary>
    public static Slider Of<T>(string title, string label, IEnumerable<T> values, Func<T, PngImage> draw,
        Func<T, string>? name = null)
    {
        name ??= v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var frames = values.Select(v => (name(v), draw(v))).ToList();
        if (frames.Count == 0) throw new ArgumentException($"the slider \"{title}\" needs at least one value to show.");
        var (width, height) = (frames[0].Item2.Width, frames[0].Item2.Height);
        int odd = frames.FindIndex(f => f.Item2.Width != width || f.Item2.Height != height);
        if (odd >= 0)
            throw new ArgumentException($"the slider \"{title}\": frame {odd} ({label} = {frames[odd].Item1}) is " +
                $"{frames[odd].Item2.Width}x{frames[odd].Item2.Height} pixels, frame 0 is {width}x{height}; all frames must have one size.");
        return new Slider(title, label, frames);
    }

    public string ToHtml()
    {
        // A stable id from the content, so a rerun writes the same page.
        string id = "wb-slider-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Title + Label + string.Join("|", Frames.Select(f => f.Value)))))[..10].ToLowerInvariant();
        var first = Frames[0];
        string images = JsonSerializer.Serialize(Frames.Select(f => f.Image.DataUri));
        string values = JsonSerializer.Serialize(Frames.Select(f => f.Value));
        return $"<div class=\"wb-slider\" id=\"{id}\" style=\"font:15px sans-serif;margin:4px 0 12px\">" +
               $"<div style=\"font-weight:bold;margin-bottom:4px\">{Escape(Title)}</div>" +
               $"<img src=\"{first.Image.DataUri}\" width=\"{first.Image.Width}\" height=\"{first.Image.Height}\" " +
               $"style=\"image-rendering:pixelated;display:block\" alt=\"{Escape(Title)}\"/>" +
               $"<label style=\"display:block;margin-top:6px\">{Escape(Label)} " +
               $"<input type=\"range\" min=\"0\" max=\"{Frames.Count - 1}\" value=\"0\" step=\"1\" style=\"width:{Math.Max(240, first.Image.Width)}px;vertical-align:middle\"/> " +
               $"<output style=\"font-weight:bold\">{Escape(first.Value)}</output></label>" +
               $"<div class=\"wb-slider-note\" style=\"color:#a33\">Scripts are off here (in Jupyter: trust the notebook), so the slider " +
               $"cannot move: this is {Escape(Label)} = {Escape(first.Value)}, the first of {Frames.Count} frames.</div>" +
               $"<script>(function(){{var root=document.getElementById('{id}');if(!root)return;" +
               $"var images={images},values={values};var img=root.querySelector('img'),range=root.querySelector('input'),out=root.querySelector('output');" +
               $"var note=root.querySelector('.wb-slider-note');if(note)note.remove();" +
               $"range.addEventListener('input',function(){{var i=+range.value;img.src=images[i];out.textContent=values[i];}});}})();</script></div>";
    }

    static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
