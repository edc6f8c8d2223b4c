using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Policies;

namespace Platform.SafetyGuard.Actions;

/// <summary>An action check as the platform performs it for an account: the account's policy, the verdict, the audit record.</summary>
public sealed class ActionChecks(PolicyStore policies, DecisionRecorder recorder)
{
    public async Task<(ActionVerdict Verdict, DecisionRecord Record)> CheckAsync(Guid accountId, ToolCall call, CancellationToken cancellationToken)
    {
        using var activity = SafetyGuardTelemetry.Source.StartActivity("check action");
        activity?.SetTag("safetyguard.tool", call.Tool);
        var policy = await policies.GetAsync(accountId, cancellationToken);
        var verdict = ActionGuard.Check(call, policy.Policy.Actions);
        activity?.SetTag("safetyguard.decision", verdict.Outcome.ToName());
        // The audit log keeps a hash of what was asked, never the arguments themselves.
        var asked = call.Tool + "\n" + call.Arguments.GetRawText();
        var record = await recorder.RecordAsync(accountId, DecisionKinds.Action, verdict.Outcome, verdict.RuleIds,
            new Dictionary<string, int>(), verdict.Latency, asked, call.Tool, null, cancellationToken);
        return (verdict, record);
    }
}
