using System.Text.Json;

namespace Platform.Agents.Runs;

/// <summary>A run as <c>GET /v1/runs/{id}</c> shows it: its request, where it is, what it spent, and every step.</summary>
public sealed record RunView(
    Guid Id,
    string State,
    string Goal,
    string Planner,
    long Budget,
    long Reserved,
    long Spent,
    long? Charged,
    int MaxSteps,
    IReadOnlyList<string> AllowedTools,
    RunPolicy Policy,
    IReadOnlyList<PlanStep> Plan,
    int? CurrentStep,
    int StepsCompleted,
    JsonElement? Guard,
    RunFailure? Failure,
    string? Settlement,
    string? Answer,
    DateTimeOffset? CancelRequestedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<StepView>? Steps);

/// <summary>Why a run did not complete: a stable <see cref="Reason"/> (<c>RunFailureReasons</c>), words for people, and the step, if one failed.</summary>
public sealed record RunFailure(string Reason, string Detail, int? StepIndex);

/// <summary>
/// One step: the arguments as planned, the input it ran with (references resolved), its output or typed error,
/// what it cost, when it ran, and every decision taken on it (run policy, SafetyGuard, approval, budget, retries).
/// </summary>
public sealed record StepView(
    int Index,
    string Id,
    string Tool,
    string State,
    JsonElement Arguments,
    JsonElement? Input,
    JsonElement? Output,
    StepError? Error,
    int Attempts,
    long Cost,
    long EstimatedCost,
    JsonElement Decisions,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs,
    long? ToolMs);

/// <summary>A failed step's error: <see cref="Kind"/> is <c>transient</c> or <c>permanent</c>.</summary>
public sealed record StepError(string Kind, string Detail);

/// <summary>One event of a run's stream (<c>GET /v1/runs/{id}/events</c>): its sequence number, type and data.</summary>
public sealed record RunEventView(long Seq, string Type, JsonElement Data, DateTimeOffset CreatedAt);
