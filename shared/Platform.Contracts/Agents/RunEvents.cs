namespace Platform.Contracts.Agents;

// Agents' integration events: one agent run's life, for business systems (CloudEvents, webhooks) and
// other services. Each is written to Agents' transactional outbox in the same transaction as the state
// change it reports, so it exists exactly when that change committed and is published at least once
// (consumers drop repeats by message id). Times are UTC; amounts are integer micro-credits.
// A run ends with exactly one of RunCompleted or RunFailed.

/// <summary>
/// A run was accepted by the guard and funded: <paramref name="Reserved"/> micro-credits (its budget) are held.
/// <paramref name="Planner"/> is <c>explicit</c> or <c>llm</c>; <paramref name="PlannedSteps"/> is the explicit plan's length (0 for llm).
/// </summary>
public sealed record RunStarted(Guid RunId, Guid AccountId, string Planner, int PlannedSteps, long Reserved, DateTimeOffset StartedAt);

/// <summary>
/// Step <paramref name="StepIndex"/> (0-based; <paramref name="StepId"/> as in the plan) ended.
/// <paramref name="Outcome"/> is one of <see cref="RunStepOutcomes"/>; <paramref name="ErrorKind"/> (<c>transient</c> or
/// <c>permanent</c>) and <paramref name="Error"/> are set when it did not succeed. <paramref name="Cost"/> is what the step
/// spent of the run's budget, <paramref name="Attempts"/> how many times the tool was called.
/// </summary>
public sealed record RunStepCompleted(
    Guid RunId,
    Guid AccountId,
    int StepIndex,
    string StepId,
    string Tool,
    string Outcome,
    string? ErrorKind,
    string? Error,
    long Cost,
    int Attempts,
    long DurationMs,
    DateTimeOffset CompletedAt);

/// <summary>
/// The run waits for a person: step <paramref name="StepIndex"/> may call <paramref name="Tool"/> only after
/// <c>POST /v1/runs/{id}/approvals</c> approves it; at <paramref name="ExpiresAt"/> it counts as denied.
/// <paramref name="Reasons"/> says which rules asked for the approval (the run's policy, SafetyGuard's rule ids).
/// </summary>
public sealed record RunApprovalRequested(
    Guid RunId,
    Guid AccountId,
    int StepIndex,
    string StepId,
    string Tool,
    IReadOnlyList<string> Reasons,
    DateTimeOffset ExpiresAt,
    DateTimeOffset RequestedAt);

/// <summary>Every step succeeded; <paramref name="Charged"/> was captured from the reservation and the rest returned.</summary>
public sealed record RunCompleted(Guid RunId, Guid AccountId, int Steps, long Charged, DateTimeOffset CompletedAt);

/// <summary>
/// The run ended without completing. <paramref name="Reason"/> is one of <see cref="RunFailureReasons"/> (stable; a
/// cancelled run and a run that ran out of budget end here too, with their partial results kept on the run);
/// <paramref name="Detail"/> is for people. <paramref name="Charged"/> is what was captured (0 when nothing was spent);
/// the rest of the reservation was released.
/// </summary>
public sealed record RunFailed(
    Guid RunId,
    Guid AccountId,
    string Reason,
    string Detail,
    int? FailedStepIndex,
    int StepsCompleted,
    long Charged,
    DateTimeOffset FailedAt);

public static class RunStepOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Denied = "denied";
}

public static class RunFailureReasons
{
    /// <summary>SafetyGuard did not allow the goal.</summary>
    public const string GuardDenied = "guard-denied";

    /// <summary>The account could not fund the budget.</summary>
    public const string InsufficientCredits = "insufficient-credits";

    /// <summary>Billing refused the reservation or did not answer.</summary>
    public const string BillingFailed = "billing-failed";

    /// <summary>A step failed permanently, or transiently more often than the run allows.</summary>
    public const string StepFailed = "step-failed";

    /// <summary>SafetyGuard or the run's policy denied a step's action.</summary>
    public const string ActionDenied = "action-denied";

    /// <summary>A person denied a step that needed approval.</summary>
    public const string ApprovalDenied = "approval-denied";

    /// <summary>Nobody approved a step before its approval expired.</summary>
    public const string ApprovalExpired = "approval-expired";

    /// <summary>The next step's estimated cost exceeded what remained of the budget (or the budget was spent).</summary>
    public const string BudgetExhausted = "budget-exhausted";

    /// <summary>The run reached its maximum number of steps before its planner finished.</summary>
    public const string MaxStepsReached = "max-steps-reached";

    /// <summary>The LLM planner could not plan (no chat route, an unusable answer).</summary>
    public const string PlannerFailed = "planner-failed";

    /// <summary>The run was cancelled through the API.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A service did not answer in time.</summary>
    public const string Timeout = "timeout";
}
