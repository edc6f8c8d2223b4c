using System.Text.Json;

namespace Platform.Agents.Execution;

// Agents' own messages between its API, its AgentRunSaga and its agent-step consumer. They never leave the
// service (other services see shared/Platform.Contracts/Agents/RunEvents.cs), so they live here.

/// <summary>A run was stored (state queued); written to the outbox in the same transaction, so its saga always starts.</summary>
public sealed record RunSubmitted(Guid RunId, Guid AccountId);

/// <summary>
/// Asks the agent-step consumer to run step <paramref name="StepIndex"/>, attempt <paramref name="Attempt"/>, with the
/// resolved <paramref name="Input"/>. Unless <paramref name="Approved"/>, the consumer first checks the action (the
/// run's policy, then SafetyGuard) and may answer that it needs approval or is denied; an approved step was checked
/// before and goes straight to the tool. The usage is metered against <paramref name="ReservationId"/>.
/// </summary>
public sealed record ExecuteAgentStep(
    Guid RunId,
    Guid AccountId,
    int StepIndex,
    string StepId,
    int Attempt,
    string Tool,
    JsonElement Input,
    long EstimatedCost,
    string ReservationId,
    bool Approved,
    bool PolicyRequiresApproval,
    IReadOnlyList<string> AllowedDomains);

/// <summary>
/// What became of an <see cref="ExecuteAgentStep"/>: <paramref name="Outcome"/> is one of <see cref="StepOutcomes"/>.
/// <paramref name="Cost"/> is what the attempt spent (metered by Billing against the run's reservation).
/// </summary>
public sealed record AgentStepExecuted(
    Guid RunId,
    int StepIndex,
    int Attempt,
    string Outcome,
    string? ErrorKind,
    string? Error,
    long Cost,
    IReadOnlyList<string> Reasons);

public static class StepOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Denied = "denied";
    public const string ApprovalRequired = "approval_required";
}

/// <summary>A person approved or denied step <paramref name="StepIndex"/> (written by the approvals endpoint with its record).</summary>
public sealed record RunApprovalDecided(Guid RunId, int StepIndex, bool Approved, string Approver, string? Reason);

/// <summary>The cancel endpoint accepted a cancellation.</summary>
public sealed record RunCancelRequested(Guid RunId);

/// <summary>
/// The saga's one timer (a run waits for one thing at a time): <paramref name="Purpose"/> is one of <see cref="TimerPurposes"/>.
/// A timer whose <paramref name="Token"/> is not the saga's current one is stale and ignored.
/// </summary>
public sealed record RunTimer(Guid RunId, Guid Token, string Purpose);

public static class TimerPurposes
{
    /// <summary>SafetyGuard, Billing or the planner did not answer in time.</summary>
    public const string Service = "service";

    /// <summary>The step's result did not come in time.</summary>
    public const string Step = "step";

    /// <summary>Nobody decided on the step's approval in time.</summary>
    public const string Approval = "approval";

    /// <summary>The backoff before a transient failure's retry is over.</summary>
    public const string Retry = "retry";
}

/// <summary>The LLM planner's choice for step <paramref name="StepIndex"/>: a tool call, or the run is done (<paramref name="Tool"/> null).</summary>
public sealed record RunStepPlanned(Guid RunId, int StepIndex, string? Tool, JsonElement? Arguments, string? Answer, string? Error, long Cost);

/// <summary>Asks the planner consumer to choose step <paramref name="StepIndex"/> of an LLM-planned run.</summary>
public sealed record PlanRunStep(Guid RunId, Guid AccountId, int StepIndex, string ReservationId);
