// What the runner does to a notebook Jupyter executed, on hand-made outputs (no Jupyter needed): the kernel's
// start-up script and warning-only stderr go, everything else stays; the kinds of output per cell.
using System.Text.Json.Nodes;
using Workbook.Runner;

namespace Workbook.Tests;

public class JupyterRunTests
{
    [Fact]
    public void The_kernel_s_start_up_script_and_warnings_are_removed_and_the_rest_is_kept()
    {
        var document = Notebook(
            Code(Html("<div id='dotnet-interactive-this-cell-1'></div><script>probeAddresses(['http://127.0.0.1:2048/'])</script>"),
                 Html("<script type=\"text/javascript\">if(!window.Plotly){}</script>"), Result("TorchSharp on cpu")),
            Code(Stream("stderr", "\nwarning CS1701: Assuming assembly reference 'System.Runtime.Numerics, Version=8.0.0.0' ...\n\n"),
                 Html("<div><img src=\"data:image/png;base64,AA==\"/></div>")),
            Code(Stream("stderr", "(1,5): error CS0103: The name 'x' does not exist\n"),
                 new JsonObject { ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = "compilation error", ["traceback"] = new JsonArray() }),
            Code(Html("<div id=\"plotly-1\"></div>"), Html("<table><tr><td>1</td></tr></table>"), Stream("stdout", "step 10/10")));

        JupyterRun.RemoveKernelNoise(document);

        string text = document.ToJsonString();
        Assert.DoesNotContain("dotnet-interactive-this-cell-", text);
        Assert.DoesNotContain("CS1701", text);
        Assert.Contains("CS0103", text);   // an error's message stays
        var kinds = JupyterRun.OutputKinds(document);
        Assert.Equal(new SortedDictionary<int, string> { [2] = "text,plotly.js", [4] = "image", [5] = "error,stderr", [6] = "text,chart,table" }, kinds);
    }

    static JsonObject Notebook(params JsonObject[] code)
    {
        var cells = new JsonArray(new JsonObject { ["cell_type"] = "markdown", ["source"] = "# Title", ["metadata"] = new JsonObject() });
        for (int i = 0; i < code.Length; i++)
        {
            cells.Add(code[i]);
            if (i == 0) cells.Add(new JsonObject { ["cell_type"] = "markdown", ["source"] = "prose", ["metadata"] = new JsonObject() });
        }
        return new JsonObject { ["cells"] = cells, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 };
    }

    static JsonObject Code(params JsonObject[] outputs) =>
        new() { ["cell_type"] = "code", ["source"] = "x", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(outputs), ["execution_count"] = 1 };

    static JsonObject Html(string html) =>
        new() { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = html }, ["metadata"] = new JsonObject() };

    static JsonObject Result(string text) =>
        new() { ["output_type"] = "execute_result", ["data"] = new JsonObject { ["text/plain"] = text }, ["metadata"] = new JsonObject(), ["execution_count"] = 1 };

    static JsonObject Stream(string name, string text) => new() { ["output_type"] = "stream", ["name"] = name, ["text"] = text };
}
