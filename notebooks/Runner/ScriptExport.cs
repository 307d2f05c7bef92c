// Turns a notebook into a plain C# program, a .NET 10 file-based app (`dotnet run NAME.cs`, no kernel, no
// project file): code cells in order, markdown as comments, each cell's last value shown through
// ScriptDisplay (notebooks/Scripts), which writes it as a file. Generated from the notebook every time,
// never edited or committed, so the notebook stays the one source.
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Workbook.Runner;

/// <summary>Where a generated program cannot mean what the notebook means: a cell and what is wrong there.</summary>
public sealed record ScriptProblem(int Number, string Cell, string Message);

/// <summary>
/// A generated program, where each code cell begins in it (line, cell id, the cell's 1-based number in the notebook),
/// and what stops it from compiling as the notebook runs.
/// </summary>
public sealed record ExportedScript(string Path, IReadOnlyList<(int Line, string Cell, int Number)> CellLines, IReadOnlyList<ScriptProblem> Problems)
{
    /// <summary>The cell that holds line <paramref name="line"/> of the program (number 0, "header", above the first cell).</summary>
    public (string Cell, int Number) CellAt(int line) =>
        CellLines.LastOrDefault(c => c.Line <= line) is { Cell: not null } c ? (c.Cell, c.Number) : ("header", 0);
}

public static partial class ScriptExport
{
    /// <summary>The project every generated program references: the core library and the plain-C# display adapter.</summary>
    const string AdapterProject = "notebooks/Scripts/Workbook.Scripts.csproj";

    static readonly CSharpParseOptions ScriptSyntax = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    [GeneratedRegex("""^\s*#load\s+"([^"]+)".*$""", RegexOptions.Multiline)]
    private static partial Regex LoadDirective();

    [GeneratedRegex("""^\s*#r\s+"([^"]+)".*$""", RegexOptions.Multiline)]
    private static partial Regex ReferenceDirective();

    [GeneratedRegex(@"^\s*//\s*Figure:\s*([A-Za-z0-9 _-]+)", RegexOptions.Multiline)]
    private static partial Regex FigureTag();

    /// <summary>out/scripts/NAME/NAME.cs for notebooks/NAME.ipynb.</summary>
    public static string PathFor(string scriptsFolder, string notebook)
    {
        string name = System.IO.Path.GetFileNameWithoutExtension(notebook);
        return System.IO.Path.Combine(scriptsFolder, name, name + ".cs");
    }

    /// <summary>Writes the program for <paramref name="notebook"/> into a fresh out/scripts/NAME/ and says what in it cannot work.</summary>
    public static ExportedScript Write(string root, string notebook, string scriptsFolder)
    {
        string path = PathFor(scriptsFolder, notebook);
        string folder = System.IO.Path.GetDirectoryName(path)!;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);   // no displays left from an earlier run
        Directory.CreateDirectory(folder);

        var document = JsonNode.Parse(File.ReadAllText(notebook))!;
        var problems = new List<ScriptProblem>();
        var directives = new List<string>
        {
            $"#:project {Relative(folder, System.IO.Path.Combine(root, AdapterProject))}",
            "// A file-based app is native-AOT by default, which turns off the reflection the library's JSON manifests use.",
            "#:property PublishAot=false",
        };
        var usings = new List<string>();
        var body = new StringBuilder();
        var types = new StringBuilder();
        var cellStarts = new List<(int Offset, string Cell, int Number)>();
        var declaredIn = new Dictionary<string, string>();   // top-level variable -> the cell that declares it first
        var nestedIn = new List<(string Name, string Cell, int Number)>();   // variables declared in blocks (not lambdas)

        var cells = document["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!;
            string id = (string?)cell["id"] ?? $"cell{i + 1}";
            string source = NotebookRun.Text(cell["source"]);
            if ((string?)cell["cell_type"] == "markdown")
            {
                body.AppendLine();
                foreach (string line in source.TrimEnd().Split('\n')) body.AppendLine(("// " + line).TrimEnd());
                continue;
            }
            if ((string?)cell["cell_type"] != "code") continue;

            string code = Inline(source, System.IO.Path.GetDirectoryName(notebook)!, directives, problems, i + 1, id);
            var unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ScriptSyntax).GetRoot();
            foreach (var error in unit.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
                problems.Add(new ScriptProblem(i + 1, id, "does not parse: " + error.GetMessage()));
            usings.AddRange(unit.Usings.Select(u => u.ToString()));
            foreach (string name in TopLevelNames(unit))
                if (!declaredIn.TryAdd(name, id))
                    problems.Add(new ScriptProblem(i + 1, id, $"declares `{name}` again (first declared in {declaredIn[name]}): one program cannot; rename one of them"));
            nestedIn.AddRange(NestedNames(unit).Select(name => (name, id, i + 1)));

            body.AppendLine();
            cellStarts.Add((body.Length, id, i + 1));
            body.AppendLine($"// ---- cell {id} ----");
            foreach (var member in unit.Members)
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax) { types.AppendLine(member.ToFullString().Trim()); continue; }   // types go after the statements
                if (member == unit.Members.Last() && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } shown })
                {
                    var tag = FigureTag().Match(source);
                    string name = tag.Success ? $"{id} {tag.Groups[1].Value.Trim()}" : id;
                    body.Append(shown.GetLeadingTrivia().ToFullString().TrimStart('\r', '\n'));
                    body.AppendLine($"ScriptDisplay.Show({shown.Expression.WithoutTrivia()}, \"{name}\");{shown.GetTrailingTrivia().ToFullString().TrimEnd()}");
                    continue;
                }
                body.AppendLine(member.ToFullString().Trim('\r', '\n'));
            }
        }

        // A block's variable may not reuse the name of a variable of the program's top level, wherever that is declared.
        foreach (var (name, cell, number) in nestedIn.Where(n => declaredIn.ContainsKey(n.Name)).Distinct())
            problems.Add(new ScriptProblem(number, cell, $"declares `{name}` inside a block, and {declaredIn[name]} declares it at the top of its cell: " +
                                                         "one program cannot; rename one of them"));

        var text = new StringBuilder();
        text.AppendLine($"// {System.IO.Path.GetFileName(notebook)} as a plain C# program, generated by the runner from the notebook: edit the notebook, not this file.");
        text.AppendLine($"// Run: dotnet run {System.IO.Path.GetFileName(path)} (in this folder; WORKBOOK_QUICK=1 for quick mode). Each cell's last value is written here as a file.");
        foreach (string line in directives.Distinct()) text.AppendLine(line);
        foreach (string line in usings.Distinct().OrderBy(u => u.StartsWith("global") ? 0 : 1)) text.AppendLine(line);
        int bodyStart = text.Length;
        text.Append(body);
        if (types.Length > 0) text.AppendLine().AppendLine("// ---- types declared in the cells ----").Append(types);

        string program = text.ToString();
        File.WriteAllText(path, program);
        var cellLines = cellStarts.Select(c => (LineOf(program, bodyStart + c.Offset), c.Cell, c.Number)).ToList();
        return new ExportedScript(path, cellLines, problems);
    }

    /// <summary>
    /// A cell's code with its #load scripts inlined (recursively) and its #r directives turned into what a
    /// file-based app says: nothing for the library's own assemblies (the adapter project brings them),
    /// #:package for a NuGet reference.
    /// </summary>
    static string Inline(string code, string folder, List<string> directives, List<ScriptProblem> problems, int number, string cell)
    {
        code = ReferenceDirective().Replace(code, m =>
        {
            string reference = m.Groups[1].Value.Trim();
            if (reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            {
                var parts = reference["nuget:".Length..].Split(',', StringSplitOptions.TrimEntries);
                if (parts.Length == 2) directives.Add($"#:package {parts[0]}@{parts[1]}");
                else problems.Add(new ScriptProblem(number, cell, $"`#r \"{reference}\"` names no version: a program needs #:package NAME@VERSION"));
            }
            else if (!reference.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                problems.Add(new ScriptProblem(number, cell, $"`#r \"{reference}\"` is not an assembly or a NuGet package"));
            return "";
        });
        return LoadDirective().Replace(code, m =>
        {
            string loaded = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, m.Groups[1].Value));
            if (!File.Exists(loaded)) { problems.Add(new ScriptProblem(number, cell, $"#load: {loaded} not found")); return ""; }
            return Inline(File.ReadAllText(loaded), System.IO.Path.GetDirectoryName(loaded)!, directives, problems, number, cell).Trim('\r', '\n');
        });
    }

    /// <summary>The variables and local functions a cell declares at its top level: in one program they all share one scope.</summary>
    static IEnumerable<string> TopLevelNames(CompilationUnitSyntax unit)
    {
        foreach (var member in unit.Members)
        {
            if (member is FieldDeclarationSyntax field)   // a script parses `var x = 1;` at the top as a field
                foreach (var v in field.Declaration.Variables) yield return v.Identifier.Text;
            if (member is MethodDeclarationSyntax method) yield return method.Identifier.Text;
            if (member is not GlobalStatementSyntax { Statement: var statement }) continue;
            if (statement is LocalDeclarationStatementSyntax local)
                foreach (var v in local.Declaration.Variables) yield return v.Identifier.Text;
            if (statement is LocalFunctionStatementSyntax function) yield return function.Identifier.Text;
            // out var x, var (a, b) = ..., is T x at the top level: their names live on after the statement
            foreach (var designation in statement.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or BlockSyntax or LocalFunctionStatementSyntax))
                         .OfType<SingleVariableDesignationSyntax>())
                if (statement is not (ForStatementSyntax or ForEachStatementSyntax or UsingStatementSyntax or WhileStatementSyntax)) yield return designation.Identifier.Text;
        }
    }

    /// <summary>
    /// The variables a cell declares inside blocks, loops and using statements at its top level (not inside lambdas or
    /// local functions, whose variables may shadow the program's): in one program these may not reuse a top-level name.
    /// </summary>
    static IEnumerable<string> NestedNames(CompilationUnitSyntax unit)
    {
        var topLevel = TopLevelNames(unit).ToHashSet();
        foreach (var member in unit.Members.OfType<GlobalStatementSyntax>())
        {
            var nodes = member.Statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));
            var names = nodes.OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.Text)
                .Concat(nodes.OfType<SingleVariableDesignationSyntax>().Select(d => d.Identifier.Text))
                .Concat(nodes.OfType<ForEachStatementSyntax>().Select(f => f.Identifier.Text))
                .Concat(nodes.OfType<CatchDeclarationSyntax>().Select(c => c.Identifier.Text));
            foreach (string name in names.Where(n => n.Length > 0 && !topLevel.Contains(n))) yield return name;
        }
    }

    static int LineOf(string text, int offset) => 1 + text.AsSpan(0, offset).Count('\n');

    static string Relative(string from, string to) => System.IO.Path.GetRelativePath(from, to).Replace('\\', '/');
}
