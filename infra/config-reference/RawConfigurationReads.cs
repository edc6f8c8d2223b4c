using System.Text.RegularExpressions;

namespace Platform.ConfigurationReference;

/// <summary>
/// Every place the production code reads configuration without an options class: indexers with a
/// literal or section-built key, <c>GetValue</c>, <c>GetConnectionString</c>, literal <c>GetSection</c>
/// and environment variables.
/// </summary>
public static partial class RawConfigurationReads
{
    public static IReadOnlyList<RawRead> Find(SourceFiles sources, IReadOnlyDictionary<string, string> sectionsByType)
    {
        var reads = new List<RawRead>();
        foreach (var file in sources.Files)
        {
            void Add(Match m, string key) => reads.Add(new RawRead(key, file.Path, file.LineOf(m.Index)));

            foreach (Match m in LiteralIndexer().Matches(file.Text))
            {
                Add(m, m.Groups[1].Value);
            }

            foreach (Match m in SectionIndexer().Matches(file.Text))
            {
                var type = m.Groups[1].Value;
                Add(m, sectionsByType.TryGetValue(type, out var section) ? $"{section}:{m.Groups[2].Value}" : $"<{type}.SectionName>:{m.Groups[2].Value}");
            }

            foreach (Match m in ServerUrlsIndexer().Matches(file.Text))
            {
                Add(m, "urls");
            }

            foreach (Match m in GetValue().Matches(file.Text))
            {
                Add(m, m.Groups[1].Value);
            }

            foreach (Match m in LiteralSection().Matches(file.Text))
            {
                Add(m, m.Groups[1].Value);
            }

            foreach (Match m in ConnectionString().Matches(file.Text))
            {
                Add(m, "ConnectionStrings:<service>");
            }

            foreach (Match m in EnvironmentVariable().Matches(file.Text))
            {
                Add(m, m.Groups[1].Value);
            }
        }

        return reads;
    }

    [GeneratedRegex(@"[Cc]onfiguration\[\s*""([^""]+)""\s*\]")]
    private static partial Regex LiteralIndexer();

    [GeneratedRegex(@"[Cc]onfiguration\[\s*\$""\{(\w+)\.SectionName\}:([^""]+)""\s*\]")]
    private static partial Regex SectionIndexer();

    [GeneratedRegex(@"[Cc]onfiguration\[\s*WebHostDefaults\.ServerUrlsKey\s*\]")]
    private static partial Regex ServerUrlsIndexer();

    [GeneratedRegex(@"\.GetValue<[^>]+>\(\s*""([^""]+)""")]
    private static partial Regex GetValue();

    [GeneratedRegex(@"\.GetSection\(\s*""([^""]+)""\s*\)")]
    private static partial Regex LiteralSection();

    [GeneratedRegex(@"\.GetConnectionString\(")]
    private static partial Regex ConnectionString();

    [GeneratedRegex(@"Environment\.GetEnvironmentVariable\(\s*""([^""]+)""")]
    private static partial Regex EnvironmentVariable();
}

/// <summary>A configuration key read at <see cref="Path"/>:<see cref="Line"/>.</summary>
public sealed record RawRead(string Key, string Path, int Line);
