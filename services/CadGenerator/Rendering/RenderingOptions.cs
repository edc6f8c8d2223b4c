namespace Platform.CadGenerator.Rendering;

/// <summary>How OpenSCAD runs (section <c>CadGenerator:Rendering</c>). Every render is sandboxed; there is no switch to turn that off.</summary>
public sealed class RenderingOptions
{
    public const string SectionName = "CadGenerator:Rendering";

    public string OpenScadPath { get; set; } = "/usr/bin/openscad";

    public string BubblewrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>Wall-clock limit of one render; the whole process tree is killed when it passes.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Address-space limit of the renderer (<c>ulimit -v</c>), in MiB.</summary>
    public int MemoryLimitMb { get; set; } = 2048;

    /// <summary>Largest file the renderer may write (<c>ulimit -f</c>), in MiB.</summary>
    public int MaxOutputMb { get; set; } = 256;

    /// <summary>Renders running at once; the rest wait their turn.</summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Most characters of the renderer's output kept (the end of it) for logs and failure reasons.</summary>
    public int MaxLogChars { get; set; } = 4000;
}
