using Dapper;
using Platform.Events.CloudEvents;
using Platform.Events.Webhooks;

namespace Platform.Events.Log;

/// <summary>
/// The event log: every CloudEvent once (by id), in the order it was taken from the bus, with the
/// webhook deliveries it causes created in the same transaction, so an event is either logged with all
/// its deliveries or not at all (and then the bus redelivers it).
/// </summary>
public sealed class EventLogStore(EventsDatabase events, TimeProvider clock)
{
    /// <summary>
    /// Logs <paramref name="cloudEvent"/> and queues a delivery for every subscription of its account
    /// that wants its type. Returns null for a repeat (already logged: nothing changes), else the number
    /// of deliveries queued.
    /// </summary>
    public async Task<int?> AppendAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_log (id, type, account_id, subject, time, body, created_at)
            VALUES (@id, @type, @account, @subject, @time, @body, @now)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                id = cloudEvent.Id,
                type = cloudEvent.Type,
                account = cloudEvent.AccountId.ToString("D"),
                subject = cloudEvent.Subject,
                time = cloudEvent.Time.ToUnixTimeMilliseconds(),
                body = System.Text.Encoding.UTF8.GetString(cloudEvent.Body),
                now,
            },
            transaction,
            cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            // A redelivery of a logged event: its deliveries were queued with it.
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        var deliveries = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO webhook_deliveries (id, subscription_id, account_id, event_sequence, event_id, status, attempts, next_attempt_at, created_at)
            SELECT s.id || ':' || @id, s.id, s.account_id, (SELECT sequence FROM event_log WHERE id = @id), @id, '{DeliveryStatus.Pending}', 0, @now, @now
            FROM webhook_subscriptions s
            WHERE s.account_id = @account AND s.deleted_at IS NULL
              AND EXISTS (SELECT 1 FROM webhook_subscription_types t
                          WHERE t.subscription_id = s.id AND t.account_id = @account AND t.event_type IN (@type, '{WebhookSubscription.AllTypes}'))
            ORDER BY s.created_at, s.id
            """,
            new { id = cloudEvent.Id, account = cloudEvent.AccountId.ToString("D"), type = cloudEvent.Type, now },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deliveries;
    }

    /// <summary>The account's events, oldest first, after sequence <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<LoggedEvent>> ListAsync(
        Guid accountId, string? type, long? fromMs, long? toMs, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LoggedEvent>(new CommandDefinition(
            """
            SELECT sequence AS Sequence, id AS Id, type AS Type, account_id AS AccountId, subject AS Subject, time AS Time, body AS Body
            FROM event_log
            WHERE account_id = @account AND sequence > @after
              AND (@type IS NULL OR type = @type) AND (@fromMs IS NULL OR time >= @fromMs) AND (@toMs IS NULL OR time < @toMs)
            ORDER BY sequence LIMIT @limit
            """,
            new { account = accountId.ToString("D"), type, fromMs, toMs, after, limit },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<LoggedEvent?> FindAsync(Guid accountId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LoggedEvent>(new CommandDefinition(
            """
            SELECT sequence AS Sequence, id AS Id, type AS Type, account_id AS AccountId, subject AS Subject, time AS Time, body AS Body
            FROM event_log WHERE account_id = @account AND id = @id
            """,
            new { account = accountId.ToString("D"), id },
            cancellationToken: cancellationToken));
    }
}
