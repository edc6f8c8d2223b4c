using System.Text.RegularExpressions;

namespace Platform.ConfigurationReference;

/// <summary>
/// The C# sources of what runs in production (services/, shared/, aspire/; never tests or build
/// output): where doc comments are read and raw configuration reads are looked for.
/// </summary>
public sealed partial class SourceFiles
{
    private static readonly string[] Roots = ["services", "shared", "aspire"];
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules"];

    private SourceFiles(string root, IReadOnlyList<SourceFile> files)
    {
        RepositoryRoot = root;
        Files = files;
    }

    public string RepositoryRoot { get; }

    public IReadOnlyList<SourceFile> Files { get; }

    public static SourceFiles Load(string repositoryRoot)
    {
        var files = new List<SourceFile>();
        foreach (var top in Roots)
        {
            var dir = Path.Combine(repositoryRoot, top);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/');
                if (relative.Split('/').Any(SkippedFolders.Contains) || relative.StartsWith("aspire/Platform.AppHost/", StringComparison.Ordinal))
                {
                    // The AppHost sets configuration for others; it reads none of the platform's.
                    continue;
                }

                files.Add(new SourceFile(relative, File.ReadAllText(path)));
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new SourceFiles(repositoryRoot, files);
    }

    /// <summary>
    /// The services whose own sources call <paramref name="method"/> (e.g. <c>AddPlatformBus(</c>), by
    /// service name (the folder under services/, lower case, as in PlatformServices).
    /// </summary>
    public IReadOnlyList<string> ServicesCalling(string method) =>
        [.. Files.Where(f => f.Path.StartsWith("services/", StringComparison.Ordinal) && f.Text.Contains(method + "(", StringComparison.Ordinal))
            .Select(f => f.Path.Split('/')[1].ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>The doc comment summary of property <paramref name="property"/> of <paramref name="type"/>, as Markdown; empty when it has none.</summary>
    public string PropertySummary(Type type, string property)
    {
        var declaration = new Regex($@"\b(class|record|struct)\s+{Regex.Escape(type.Name)}\b");
        foreach (var file in Files)
        {
            var match = declaration.Match(file.Text);
            if (!match.Success)
            {
                continue;
            }

            var propertyPattern = new Regex($@"^[ \t]*public\s+[^;{{}}=()]*?\b{Regex.Escape(property)}\s*\{{", RegexOptions.Multiline);
            var prop = propertyPattern.Match(file.Text, match.Index);
            if (!prop.Success)
            {
                continue;
            }

            return DocComment(file.Text, prop.Index);
        }

        return "";
    }

    /// <summary>The doc comment summary of <paramref name="type"/> itself, as Markdown; empty when it has none.</summary>
    public string TypeSummary(Type type)
    {
        var declaration = new Regex($@"^[ \t]*public\s+(sealed\s+|static\s+|abstract\s+)*(class|record|struct)\s+{Regex.Escape(type.Name)}\b", RegexOptions.Multiline);
        foreach (var file in Files)
        {
            var match = declaration.Match(file.Text);
            if (match.Success)
            {
                return DocComment(file.Text, match.Index);
            }
        }

        return "";
    }

    /// <summary>The summary of the /// block ending right above <paramref name="position"/>, as one Markdown line.</summary>
    private static string DocComment(string text, int position)
    {
        var lines = text[..position].Split('\n');
        var doc = new List<string>();
        // lines[^1] is the property's own line up to its start; walk up over attributes and the /// block.
        for (var i = lines.Length - 2; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("///", StringComparison.Ordinal))
            {
                doc.Insert(0, line[3..].Trim());
            }
            else if (!(line.StartsWith('[') && doc.Count == 0))
            {
                break;
            }
        }

        var xml = string.Join(' ', doc);
        var summary = SummaryPattern().Match(xml);
        return ToMarkdown(summary.Success ? summary.Groups[1].Value : "");
    }

    public static string ToMarkdown(string xml)
    {
        var text = CodePattern().Replace(xml, m => $"`{m.Groups[1].Value}`");
        text = SeePattern().Replace(text, m => $"`{m.Groups[2].Value.Split('.')[^1]}`");
        text = TagPattern().Replace(text, "");
        text = text.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
        text = WhitespacePattern().Replace(text, " ").Trim();
        return text.Replace("|", "\\|");
    }

    [GeneratedRegex(@"<summary>(.*?)</summary>", RegexOptions.Singleline)]
    private static partial Regex SummaryPattern();

    [GeneratedRegex(@"<c>(.*?)</c>", RegexOptions.Singleline)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"<(see|paramref|typeparamref)\s+(?:cref|langword|name)=""([^""]*)""\s*/>")]
    private static partial Regex SeePattern();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}

public sealed record SourceFile(string Path, string Text)
{
    public int LineOf(int index) => Text.AsSpan(0, index).Count('\n') + 1;
}
