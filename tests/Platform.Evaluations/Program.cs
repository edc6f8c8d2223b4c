using System.Text.Json;
using Platform.Evaluations;
using Platform.Evaluations.Retrieval;
using Platform.Evaluations.Safety;

// Usage: dotnet run -c Release --project tests/Platform.Evaluations -- <evaluation> [--out FILE.json] [--no-doc]
// Exit codes: 0 done, 1 the evaluation failed, 2 bad command line.

IEvaluation[] evaluations = [new SafetyEvaluation(), new RetrievalEvaluation()];

string? name = null;
string? outPath = null;
var writeDoc = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            outPath = args[++i];
            break;
        case "--no-doc":
            writeDoc = false;
            break;
        default:
            name ??= args[i];
            break;
    }
}

var evaluation = evaluations.FirstOrDefault(e => e.Name == name);
if (evaluation is null)
{
    Console.Error.WriteLine("usage: Platform.Evaluations <evaluation> [--out FILE.json] [--no-doc]");
    foreach (var e in evaluations)
    {
        Console.Error.WriteLine($"  {e.Name,-10} {e.Description}");
    }

    return 2;
}

try
{
    var result = evaluation.Run(Console.Error);
    Console.WriteLine(result.Markdown);
    if (outPath is not null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(outPath, result.Json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.Error.WriteLine($"wrote {outPath}");
    }

    if (writeDoc)
    {
        var doc = Path.Combine(RepositoryRoot.Find(), "docs", "evaluations", $"{evaluation.Name}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(doc)!);
        await File.WriteAllTextAsync(doc, result.Markdown);
        Console.Error.WriteLine($"wrote {doc}");
    }

    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"evaluation {evaluation.Name} failed: {e}");
    return 1;
}
