using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Policies;

namespace Platform.SafetyGuard.Decisions;

/// <summary>A prompt check as the platform performs it for an account: the account's policy, the guard's verdict, the audit record.</summary>
public sealed class PromptChecks(PromptGuard guard, PolicyStore policies, DecisionRecorder recorder)
{
    public async Task<(PromptVerdict Verdict, DecisionRecord Record)> CheckAsync(Guid accountId, string text, CancellationToken cancellationToken)
    {
        using var activity = SafetyGuardTelemetry.Source.StartActivity("check prompt");
        var policy = await policies.GetAsync(accountId, cancellationToken);
        var verdict = guard.Check(text, policy.Policy.Prompt);
        activity?.SetTag("safetyguard.decision", verdict.Outcome.ToName());
        var record = await recorder.RecordAsync(accountId, DecisionKinds.Prompt, verdict.Outcome, verdict.RuleIds,
            verdict.Detection.CountsByType(), verdict.Latency, text, null, verdict.Detection.Scores, cancellationToken);
        return (verdict, record);
    }
}
