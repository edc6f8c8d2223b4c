using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

/// <summary>Every YAML file under infra/k8s, parsed; Kubernetes objects and kustomizations told apart.</summary>
public sealed class Manifests
{
    public static Manifests All { get; } = Load();

    public required IReadOnlyList<ManifestDocument> Documents { get; init; }

    public IEnumerable<ManifestDocument> Objects(string kind) => Documents.Where(d => d.Kind == kind);

    public ManifestDocument Single(string kind, string name, string? folder = null) =>
        Documents.Single(d => d.Kind == kind && d.Name == name && (folder is null || d.File.StartsWith(folder, StringComparison.Ordinal)));

    private static Manifests Load()
    {
        var root = Repository.PathOf("infra/k8s");
        var documents = new List<ManifestDocument>();
        foreach (var path in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');
            foreach (var node in Yaml.LoadAll(File.ReadAllText(path)))
            {
                documents.Add(new ManifestDocument(relative, node));
            }
        }

        return new Manifests { Documents = documents };
    }
}

public sealed record ManifestDocument(string File, YamlNode Node)
{
    public string? Kind => Node.Text("kind");

    public string? Name => Node.Text("metadata", "name");

    /// <summary>A JSON patch (RFC 6902) file: a list of operations, not an object.</summary>
    public bool IsJsonPatch => Node is YamlSequenceNode;

    public override string ToString() => $"{File} ({Kind} {Name})";
}
