namespace Platform.CadGenerator.Jobs;

/// <summary>
/// The producer's outcome for a job: a stored, validated STL, or the step that failed and why.
/// <paramref name="RenderMilliseconds"/> is what the render is billed for (also after a failed validation).
/// </summary>
public sealed record CadModelProduced(
    Guid JobId, bool Succeeded, string? TemplateId, int Triangles, double Volume, long RenderMilliseconds, string? FailedStep, string? Reason);
