using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Platform.Contracts.SafetyGuard;
using Platform.Messaging.Outbox;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;
using Platform.Storage;

namespace Platform.SafetyGuard.Audit;

/// <summary>
/// The audit log of decisions (SQLite or PostgreSQL, same SQL), read per account. Written in batches by
/// <see cref="AuditWriter"/>: every deny also puts a <see cref="GuardDenied"/> in SafetyGuard's transactional
/// outbox in the same transaction, so the event exists exactly when its record does.
/// </summary>
public sealed class DecisionLog([FromKeyedServices(SafetyGuardModule.Name)] Database database, TransactionalOutbox outbox)
{
    /// <summary>Writes <paramref name="entries"/> and their GuardDenied events in one transaction.</summary>
    public async Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (accountId, record, parent) in entries)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO decisions (id, account_id, created_at, kind, decision, rule_ids, finding_counts, latency_us, text_length, text_sha256, tool, scores)
                VALUES (@Id, @AccountId, @CreatedAt, @Kind, @Decision, @RuleIds, @FindingCounts, @LatencyUs, @TextLength, @TextSha256, @Tool, @Scores)
                """,
                new
                {
                    record.Id,
                    AccountId = accountId.ToString(),
                    CreatedAt = record.CreatedAt.ToUnixTimeMilliseconds(),
                    record.Kind,
                    Decision = record.Decision.ToName(),
                    RuleIds = string.Join(',', record.RuleIds),
                    FindingCounts = JsonSerializer.Serialize(record.Findings.ToDictionary(f => f.Type, f => f.Count)),
                    LatencyUs = (long)Math.Round(record.LatencyMs * 1000),
                    record.TextLength,
                    record.TextSha256,
                    record.Tool,
                    Scores = record.Scores is { Count: > 0 } scores ? JsonSerializer.Serialize(scores.ToDictionary(s => s.Name, s => s.Score)) : null,
                },
                transaction,
                cancellationToken: cancellationToken));
            if (record.Decision == DecisionOutcome.Deny)
            {
                await PublishDeniedAsync(accountId, record, parent, connection, transaction, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task PublishDeniedAsync(
        Guid accountId, DecisionRecord record, Activity? parent, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // The outbox keeps the current trace with the message: make it the check's, not the writer loop's.
        var previous = Activity.Current;
        Activity.Current = parent;
        try
        {
            await outbox.PublishAsync(
                new GuardDenied(Guid.Parse(record.Id), accountId, record.Kind, record.RuleIds, record.CreatedAt),
                connection, transaction, cancellationToken);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListAsync(Guid accountId, DecisionQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DecisionRow>(new CommandDefinition(
            """
            SELECT id AS Id, kind AS Kind, decision AS Decision, rule_ids AS RuleIds, finding_counts AS FindingCounts, latency_us AS LatencyUs,
                   text_length AS TextLength, text_sha256 AS TextSha256, created_at AS CreatedAt, tool AS Tool, scores AS Scores
            FROM decisions
            WHERE account_id = @accountId
              AND (@decision IS NULL OR decision = @decision)
              AND (@from IS NULL OR created_at >= @from)
              AND (@to IS NULL OR created_at < @to)
              AND (@after IS NULL OR id < @after)
            ORDER BY id DESC
            LIMIT @limit
            """,
            new
            {
                accountId = accountId.ToString(),
                decision = query.Decision?.ToName(),
                from = query.From?.ToUnixTimeMilliseconds(),
                to = query.To?.ToUnixTimeMilliseconds(),
                after = query.After,
                limit = query.Limit,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    // A class with settable properties: Dapper maps it by name on both SQLite and PostgreSQL.
    private sealed class DecisionRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Decision { get; set; } = "";
        public string RuleIds { get; set; } = "";
        public string FindingCounts { get; set; } = "{}";
        public long LatencyUs { get; set; }
        public long TextLength { get; set; }
        public string TextSha256 { get; set; } = "";
        public long CreatedAt { get; set; }
        public string? Tool { get; set; }
        public string? Scores { get; set; }

        public DecisionRecord ToRecord()
        {
            var counts = JsonSerializer.Deserialize<Dictionary<string, int>>(FindingCounts) ?? [];
            var scores = Scores is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(Scores);
            DecisionOutcomes.TryParse(Decision, out var outcome);
            return new DecisionRecord(
                Id,
                Kind,
                outcome,
                RuleIds.Length == 0 ? [] : RuleIds.Split(','),
                [.. counts.Select(c => new FindingCount(c.Key, c.Value)).OrderBy(c => c.Type, StringComparer.Ordinal)],
                LatencyUs / 1000.0,
                TextLength,
                TextSha256,
                DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
                Tool,
                scores is null ? null : [.. scores.Select(s => new ClassifierScore(s.Key, s.Value)).OrderBy(s => s.Name, StringComparer.Ordinal)]);
        }
    }
}
