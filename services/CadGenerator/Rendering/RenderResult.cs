namespace Platform.CadGenerator.Rendering;

/// <summary>
/// What one sandboxed render did. <see cref="Failure"/> is null on success (then <see cref="StlPath"/>
/// exists); otherwise it says why, ending with the renderer's last output lines.
/// </summary>
public sealed record RenderResult(
    RenderOutcome Outcome,
    string StlPath,
    int? ExitCode,
    TimeSpan QueueTime,
    TimeSpan RenderTime,
    string Log,
    string? Failure)
{
    public bool Succeeded => Outcome == RenderOutcome.Rendered;
}
