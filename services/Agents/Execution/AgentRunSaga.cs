using MassTransit;

namespace Platform.Agents.Execution;

/// <summary>
/// The durable state of one run's AgentRunSaga (table saga_agent_run_saga). The run's public view, its request
/// and its steps are in agent_runs / agent_steps; this keeps what the saga decides on.
/// </summary>
public sealed class AgentRunSaga : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public Guid AccountId { get; set; }

    public string Planner { get; set; } = "";

    public int PlannedSteps { get; set; }

    public int MaxSteps { get; set; }

    public long Budget { get; set; }

    /// <summary>Billing's reservation (its transfer id) once made; null before.</summary>
    public string? ReservationId { get; set; }

    public long Reserved { get; set; }

    /// <summary>What the steps (and the planner) spent, as Billing priced it.</summary>
    public long Spent { get; set; }

    /// <summary>The step in progress (0-based) and its attempt (1-based).</summary>
    public int StepIndex { get; set; }

    public int Attempt { get; set; }

    public string StepId { get; set; } = "";

    public string Tool { get; set; } = "";

    public long StepEstimate { get; set; }

    /// <summary>The tool's own timeout, from which the step's deadline is set.</summary>
    public int StepTimeoutSeconds { get; set; }

    /// <summary>The current step was approved by a person (its retries do not ask again).</summary>
    public bool StepApproved { get; set; }

    public int StepsCompleted { get; set; }

    public int MaxAttempts { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>How the run ends, decided before settling: a RunStates value, a RunFailureReasons value and words.</summary>
    public string? Outcome { get; set; }

    public string? FailureReason { get; set; }

    public string? FailureDetail { get; set; }

    public int? FailedStep { get; set; }

    public string? Answer { get; set; }

    /// <summary>How many times the settlement (capture or release) was sent.</summary>
    public int SettleAttempts { get; set; }

    /// <summary>The current timer: the token its message carries, and the scheduler's id to cancel it.</summary>
    public Guid? TimerToken { get; set; }

    public Guid? TimerScheduleId { get; set; }

    /// <summary>Sequence number of the run's last stream event (GET /v1/runs/{id}/events).</summary>
    public long EventSeq { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }
}
