namespace Platform.Inference.Tests;

/// <summary>A throw-away model repository on disk: folders with manifests and files, deleted afterwards.</summary>
public sealed class ModelFolder : IDisposable
{
    public ModelFolder() => System.IO.Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "platform-models-" + Guid.NewGuid().ToString("N"));

    public string Add(string name, string? manifest, params string[] files)
    {
        var folder = Path.Combine(Root, name);
        System.IO.Directory.CreateDirectory(folder);
        if (manifest is not null)
        {
            File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest);
        }

        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(folder, file), "x");
        }

        return folder;
    }

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}
