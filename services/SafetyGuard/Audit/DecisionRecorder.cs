using System.Security.Cryptography;
using System.Text;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Audit;

/// <summary>
/// Records a decision in the audit log before it is answered (so no decision goes unrecorded),
/// with its metrics and log line. HTTP endpoints and bus consumers both decide through here; the
/// write joins the <see cref="AuditWriter"/>'s next group commit.
/// </summary>
public sealed class DecisionRecorder(AuditWriter writer, TimeProvider clock, ILogger<DecisionRecorder> logger)
{
    public async Task<DecisionRecord> RecordAsync(
        Guid accountId, string kind, DecisionOutcome outcome, IReadOnlyList<string> ruleIds, IReadOnlyDictionary<string, int> findingCounts,
        TimeSpan latency, string checkedText, string? tool, IReadOnlyList<ClassifierScore>? scores, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var record = new DecisionRecord(
            // Version 7: ordered by time, so the log pages by id and lists newest first.
            Guid.CreateVersion7(now).ToString(),
            kind,
            outcome,
            ruleIds,
            [.. findingCounts.Select(c => new FindingCount(c.Key, c.Value)).OrderBy(c => c.Type, StringComparer.Ordinal)],
            latency.TotalMilliseconds,
            checkedText.Length,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(checkedText))),
            now,
            tool,
            scores);
        await writer.WriteAsync(accountId, record, cancellationToken);

        var name = outcome.ToName();
        SafetyGuardTelemetry.Decisions.Add(1,
            new KeyValuePair<string, object?>("kind", kind),
            new KeyValuePair<string, object?>("decision", name));
        SafetyGuardTelemetry.CheckDuration.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));
        foreach (var count in record.Findings)
        {
            SafetyGuardTelemetry.Findings.Add(count.Count, new KeyValuePair<string, object?>("type", count.Type));
        }

        logger.LogInformation(
            "{Kind} check {DecisionId} for account {AccountId}: {Decision} by {RuleIds} in {LatencyMs:F3} ms",
            kind, record.Id, accountId, name, record.RuleIds, record.LatencyMs);
        return record;
    }
}
