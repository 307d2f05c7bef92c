// A table for notebook outputs: an HTML table in notebooks and the HTML book, plain text
// (TextTable) anywhere else. Chapter 11.
namespace Workbook.Display;

public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object>> Rows)
{
    /// <summary>A table of rows under headers; each cell is shown with ToString() (format numbers before passing them).</summary>
    public static Table Of(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object>> rows)
    {
        var all = rows.ToList();
        var bad = all.FirstOrDefault(r => r.Count != headers.Count);
        if (bad is not null) throw new ArgumentException($"a row has {bad.Count} cells for {headers.Count} headers.");
        return new Table(headers, all);
    }

    public string ToHtml()
    {
        static string Cell(string tag, object? value) =>
            $"<{tag} style=\"border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top\">{System.Net.WebUtility.HtmlEncode(value?.ToString() ?? "")}</{tag}>";
        string head = "<tr>" + string.Concat(Headers.Select(h => Cell("th", h))) + "</tr>";
        string body = string.Concat(Rows.Select(r => "<tr>" + string.Concat(r.Select(c => Cell("td", c))) + "</tr>"));
        return $"<table style=\"border-collapse:collapse;font:14px sans-serif\">{head}{body}</table>";
    }

    public override string ToString() => TextTable.Format(Headers, Rows);
}
