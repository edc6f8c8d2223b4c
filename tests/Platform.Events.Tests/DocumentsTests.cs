using Platform.Events.Documents;
using Platform.Testing;
using Xunit;

namespace Platform.Events.Tests;

/// <summary>
/// docs/events/ is generated from the catalogue: the committed files must equal what the code generates
/// now. Regenerate with <c>PLATFORM_UPDATE_DOCS=1 dotnet test tests/Platform.Events.Tests --filter Documents</c>.
/// </summary>
public sealed class DocumentsTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "docs", "events");

    [Fact]
    public void The_committed_event_documents_match_the_code()
    {
        var generated = EventDocuments.All();
        if (Environment.GetEnvironmentVariable("PLATFORM_UPDATE_DOCS") == "1")
        {
            foreach (var (path, text) in generated)
            {
                var file = Path.Combine(Folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, text);
            }
        }

        var drifted = generated
            .Where(g => !File.Exists(Path.Combine(Folder, g.Key)) || File.ReadAllText(Path.Combine(Folder, g.Key)) != g.Value)
            .Select(g => g.Key)
            .ToList();
        Assert.True(drifted.Count == 0,
            $"docs/events is out of date for: {string.Join(", ", drifted)}. Regenerate with " +
            "`PLATFORM_UPDATE_DOCS=1 dotnet test tests/Platform.Events.Tests --filter Documents` and review the diff.");

        var schemaFiles = Directory.GetFiles(Path.Combine(Folder, "schemas"), "*.json").Select(f => "schemas/" + Path.GetFileName(f));
        var stale = schemaFiles.Where(f => !generated.ContainsKey(f)).ToList();
        Assert.True(stale.Count == 0, $"docs/events/schemas has files for no catalogue entry: {string.Join(", ", stale)}.");
    }
}
