using System.Text.Json.Serialization;
using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Jobs;

/// <summary>A CAD job as its owner sees it (GET /v1/cad/jobs/{id}).</summary>
public sealed record CadJob(
    Guid Id,
    string State,
    string? Prompt,
    string? TemplateId,
    IReadOnlyDictionary<string, double>? Parameters,
    IReadOnlyList<string> Notes,
    IReadOnlyList<StepTiming> Steps,
    MeshReport? Validation,
    string? FailedStep,
    string? FailureReason,
    long? RenderMilliseconds,
    long? ChargedMicroCredits,
    CadJobArtifacts? Artifacts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    [JsonIgnore]
    public Guid AccountId { get; init; }

    /// <summary>The parameters the caller gave (template jobs), before defaults were filled in.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, double>? RequestedParameters { get; init; }
}
