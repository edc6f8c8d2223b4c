namespace Platform.Agents.Runs;

/// <summary>Limits and timings of agent runs (section <c>Agents:Runs</c>).</summary>
public sealed class RunOptions
{
    public const string SectionName = "Agents:Runs";

    /// <summary>Most steps a run may take (its <c>maxSteps</c> and an explicit plan's length).</summary>
    public int MaxStepsLimit { get; set; } = 100;

    /// <summary><c>maxSteps</c> of an LLM-planned run that gives none.</summary>
    public int DefaultLlmMaxSteps { get; set; } = 10;

    /// <summary>How long Billing holds a run's budget. Billing allows at most 7 days.</summary>
    public int ReservationTimeoutSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary><c>policy.approvalTimeoutSeconds</c> of a run that gives none: how long a step waits for a person before it counts as denied.</summary>
    public int DefaultApprovalTimeoutSeconds { get; set; } = 3600;

    /// <summary>Largest <c>policy.approvalTimeoutSeconds</c> a run may ask for (well inside the reservation's life).</summary>
    public int MaxApprovalTimeoutSeconds { get; set; } = 24 * 3600;

    /// <summary>Default <c>policy.maxAttempts</c>: calls of one step's tool when it fails transiently (1 = no retry).</summary>
    public int DefaultMaxAttempts { get; set; } = 3;

    /// <summary>Backoff before retry n (1-based) is <c>RetryBaseDelayMs * 2^(n-1)</c>, at most <see cref="RetryMaxDelayMs"/>.</summary>
    public int RetryBaseDelayMs { get; set; } = 500;

    /// <summary>Longest backoff before a retry, whatever the attempt.</summary>
    public int RetryMaxDelayMs { get; set; } = 30_000;

    /// <summary>
    /// A step's estimated cost (micro-credits) when its plan gives no <c>maxCost</c>: the budget check before each
    /// step compares this with what remains. Per tool in <see cref="ToolEstimates"/>, else <see cref="DefaultStepEstimate"/>.
    /// </summary>
    public long DefaultStepEstimate { get; set; } = 1_000;

    /// <summary>
    /// Estimated cost (micro-credits) of one call, per tool name, overriding <see cref="DefaultStepEstimate"/>. cad.generate
    /// starts at 1 credit (what CadGenerator reserves for a job of its own); its job is paid from the run's reservation.
    /// </summary>
    public Dictionary<string, long> ToolEstimates { get; set; } = new() { [Tools.BuiltInTools.CadGenerate] = 1_000_000 };

    /// <summary>How long the saga waits for SafetyGuard's or Billing's answer before the run fails (or settlement is retried).</summary>
    public int ServiceTimeoutSeconds { get; set; } = 60;

    /// <summary>Added to a tool's own timeout before the saga gives up on a step's result (the step consumer normally answers first).</summary>
    public int StepDeadlineMarginSeconds { get; set; } = 60;

    public long EstimateOf(PlanStep step) =>
        step.MaxCost ?? (ToolEstimates.TryGetValue(step.Tool, out var estimate) ? estimate : DefaultStepEstimate);
}
