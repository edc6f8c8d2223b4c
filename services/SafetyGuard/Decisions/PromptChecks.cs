using System.Security.Cryptography;
using System.Text;
using Platform.SafetyGuard.Audit;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// A prompt check as the platform performs it for an account: the guard's verdict, recorded in the
/// audit log before it is answered, so no decision goes unrecorded.
/// </summary>
public sealed class PromptChecks(PromptGuard guard, DecisionLog log, TimeProvider clock, ILogger<PromptChecks> logger)
{
    public async Task<(PromptVerdict Verdict, DecisionRecord Record)> CheckAsync(Guid accountId, string text, CancellationToken cancellationToken)
    {
        using var activity = SafetyGuardTelemetry.Source.StartActivity("check prompt");
        var verdict = guard.Check(text);

        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var record = new DecisionRecord(
            // Version 7: ordered by time, so the log pages by id and lists newest first.
            Guid.CreateVersion7(now).ToString(),
            DecisionKinds.Prompt,
            verdict.Outcome,
            verdict.RuleIds,
            [.. verdict.Detection.CountsByType().Select(c => new FindingCount(c.Key, c.Value)).OrderBy(c => c.Type, StringComparer.Ordinal)],
            verdict.Latency.TotalMilliseconds,
            text.Length,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            now);
        await log.WriteAsync(accountId, record, cancellationToken);

        var outcome = verdict.Outcome.ToName();
        activity?.SetTag("safetyguard.decision", outcome);
        SafetyGuardTelemetry.Decisions.Add(1,
            new KeyValuePair<string, object?>("kind", DecisionKinds.Prompt),
            new KeyValuePair<string, object?>("decision", outcome));
        SafetyGuardTelemetry.CheckDuration.Record(verdict.Latency.TotalMilliseconds,
            new KeyValuePair<string, object?>("kind", DecisionKinds.Prompt));
        foreach (var count in record.Findings)
        {
            SafetyGuardTelemetry.Findings.Add(count.Count, new KeyValuePair<string, object?>("type", count.Type));
        }

        logger.LogInformation(
            "Prompt check {DecisionId} for account {AccountId}: {Decision} by {RuleIds} in {LatencyMs:F3} ms",
            record.Id, accountId, outcome, record.RuleIds, record.LatencyMs);
        return (verdict, record);
    }
}
