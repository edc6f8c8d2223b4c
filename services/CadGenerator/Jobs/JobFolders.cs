namespace Platform.CadGenerator.Jobs;

/// <summary>Each job's files live in <c>{Storage:DataDirectory}/cad/{jobId}/</c>: model.scad and model.stl; that folder is also the render sandbox's only writable place.</summary>
public sealed class JobFolders(string dataDirectory)
{
    private readonly string _root = Path.GetFullPath(Path.Combine(dataDirectory, "cad"));

    public string For(Guid jobId) => Path.Combine(_root, jobId.ToString("N"));

    public string ScadPath(Guid jobId) => Path.Combine(For(jobId), Rendering.SandboxedOpenScad.SourceFileName);

    public string StlPath(Guid jobId) => Path.Combine(For(jobId), Rendering.SandboxedOpenScad.StlFileName);
}
