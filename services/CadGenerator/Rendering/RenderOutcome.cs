namespace Platform.CadGenerator.Rendering;

public enum RenderOutcome
{
    Rendered,

    /// <summary>OpenSCAD exited non-zero (syntax error, failed assert, empty model, a warning under --hardwarnings, out of memory).</summary>
    Failed,

    /// <summary>The wall-clock limit passed and the sandbox was killed.</summary>
    TimedOut,

    /// <summary>OpenSCAD exited 0 but wrote no STL.</summary>
    NoOutput,
}
