using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests;

/// <summary>A Dockerfile split into stages and instructions (continuation lines joined, comments dropped).</summary>
public sealed partial record Dockerfile(IReadOnlyDictionary<string, string> GlobalArgs, IReadOnlyList<DockerStage> Stages)
{
    /// <summary>The image a stage starts from, through stage names and global ARG defaults.</summary>
    public string BaseImage(DockerStage stage)
    {
        var from = stage.From;
        if (from.StartsWith("${", StringComparison.Ordinal) && from.EndsWith('}'))
        {
            return GlobalArgs.TryGetValue(from[2..^1], out var image) ? image : from;
        }

        return Stages.FirstOrDefault(s => s.Name == from) is { } parent ? BaseImage(parent) : from;
    }

    public static Dockerfile Load(string relativePath)
    {
        var text = Repository.Read(relativePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        var logical = Continuation().Replace(text, " ");
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        foreach (var raw in logical.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ');
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : Whitespace().Replace(line[(space + 1)..].Trim(), " ");
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ');
                stages.Add(new DockerStage(parts[0], parts.Length >= 3 && parts[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[^1] : null, new List<DockerInstruction>()));
            }
            else if (stages.Count == 0 && keyword == "ARG")
            {
                var eq = arguments.IndexOf('=');
                args[eq < 0 ? arguments : arguments[..eq]] = eq < 0 ? "" : arguments[(eq + 1)..];
            }
            else if (stages.Count > 0)
            {
                ((List<DockerInstruction>)stages[^1].Instructions).Add(new DockerInstruction(keyword, arguments));
            }
        }

        return new Dockerfile(args, stages);
    }

    [GeneratedRegex(@"\\\n\s*(#[^\n]*\n\s*)*")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

public sealed record DockerStage(string From, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public string? Last(string keyword) => Instructions.LastOrDefault(i => i.Keyword == keyword)?.Arguments;

    /// <summary>ENV settings of this stage (<c>ENV A=1 B=2</c> form).</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        Instructions.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
}

public sealed record DockerInstruction(string Keyword, string Arguments);
