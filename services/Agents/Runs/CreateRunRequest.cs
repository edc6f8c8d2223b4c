using System.Text.Json;

namespace Platform.Agents.Runs;

/// <summary>Body of <c>POST /v1/runs</c>, as sent; <see cref="RunRequestReader"/> turns it into a <see cref="RunSpec"/> or field errors.</summary>
public sealed record CreateRunRequest(
    string? Goal,
    CreateRunPlan? Plan,
    string? Planner,
    long? Budget,
    int? MaxSteps,
    IReadOnlyList<string>? AllowedTools,
    CreateRunPolicy? Policy);

public sealed record CreateRunPlan(IReadOnlyList<CreateRunStep?>? Steps);

public sealed record CreateRunStep(string? Id, string? Tool, JsonElement? Arguments, long? MaxCost);

public sealed record CreateRunPolicy(
    IReadOnlyList<string>? RequireApproval,
    int? ApprovalTimeoutSeconds,
    IReadOnlyList<string>? AllowedDomains,
    int? MaxAttempts);
