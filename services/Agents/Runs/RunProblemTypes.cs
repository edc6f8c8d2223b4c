namespace Platform.Agents.Runs;

/// <summary>Problem types specific to runs (stable; clients branch on them).</summary>
public static class RunProblemTypes
{
    /// <summary>A run with planner "llm" was asked for, but no planner model is configured (explicit plans work without one).</summary>
    public const string PlannerUnavailable = "urn:platform:problem:planner-unavailable";

    /// <summary>An approval was sent for a run that is not waiting for one.</summary>
    public const string NotAwaitingApproval = "urn:platform:problem:run-not-awaiting-approval";

    /// <summary>The step's approval was already decided (approvals are final).</summary>
    public const string ApprovalAlreadyDecided = "urn:platform:problem:approval-already-decided";

    /// <summary>The run already ended; it cannot be cancelled.</summary>
    public const string RunFinished = "urn:platform:problem:run-finished";
}
