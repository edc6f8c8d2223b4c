namespace Platform.Agents.Runs;

/// <summary>The public states of a run (<c>agent_runs.state</c>), in the order a successful one passes them.</summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Guarding = "guarding";
    public const string Reserving = "reserving";
    public const string Running = "running";
    public const string AwaitingApproval = "awaiting_approval";
    public const string Settling = "settling";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string BudgetExhausted = "budget_exhausted";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string state) => state is Completed or Failed or BudgetExhausted or Cancelled;
}

/// <summary>The states of one step (<c>agent_steps.state</c>).</summary>
public static class StepStates
{
    public const string Running = "running";
    public const string AwaitingApproval = "awaiting_approval";
    public const string RetryWaiting = "retry_waiting";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Denied = "denied";

    /// <summary>Not started: its estimated cost exceeded what remained, or the run was cancelled first.</summary>
    public const string Skipped = "skipped";
}

/// <summary>How a failed tool call may be treated: a transient one is retried (with backoff, up to the run's limit), a permanent one ends the step.</summary>
public static class ErrorKinds
{
    public const string Transient = "transient";
    public const string Permanent = "permanent";
}
