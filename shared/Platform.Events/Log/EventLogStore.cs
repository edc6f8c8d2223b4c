using System.Data;
using System.Globalization;
using System.Text;
using Dapper;
using Platform.Events.CloudEvents;
using Platform.Events.Webhooks;

namespace Platform.Events.Log;

/// <summary>
/// The event log: every CloudEvent once (by id), in the order it was taken from the bus, with the
/// webhook deliveries it causes created in the same transaction, so an event is either logged with all
/// its deliveries or not at all (and then the bus redelivers it). Batches are logged in one transaction.
/// </summary>
public sealed class EventLogStore(EventsDatabase events, TimeProvider clock)
{
    // Six parameters per event: well below SQLite's and PostgreSQL's limits per statement.
    private const int ChunkSize = 200;

    /// <summary>
    /// Logs <paramref name="batch"/> (in order; events already logged are skipped) and queues a delivery
    /// for every subscription of each event's account that wants its type, in one transaction. A delivery's
    /// id is the subscription's and the event's, so a redelivered event queues nothing twice. Returns
    /// how many events were new and which subscriptions got deliveries (to wake their workers).
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<CloudEvent> batch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var logged = 0;
        var subscriptions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in batch.Chunk(ChunkSize))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var insert = new StringBuilder("INSERT INTO event_log (id, type, account_id, subject, time, body, created_at) VALUES ");
            var ids = new StringBuilder();
            command.AddParameter("now", now, DbType.Int64);
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                insert.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@i{i}, @t{i}, @a{i}, @s{i}, @m{i}, @b{i}, @now)");
                ids.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@i{i}");
                command.AddParameter($"i{i}", e.Id, DbType.String);
                command.AddParameter($"t{i}", e.Type, DbType.String);
                command.AddParameter($"a{i}", e.AccountId.ToString("D"), DbType.String);
                command.AddParameter($"s{i}", e.Subject, DbType.String);
                command.AddParameter($"m{i}", e.Time.ToUnixTimeMilliseconds(), DbType.Int64);
                command.AddParameter($"b{i}", Encoding.UTF8.GetString(e.Body), DbType.String);
            }

            // One round trip per chunk: the new events (their ids come back), then their deliveries, ordered
            // by the log's sequence so each endpoint's queue keeps the order of the events (the subscriptions
            // that got some come back, to wake their workers).
            command.CommandText = $"""
                {insert} ON CONFLICT (id) DO NOTHING RETURNING id;
                INSERT INTO webhook_deliveries (id, subscription_id, account_id, event_sequence, event_id, status, attempts, next_attempt_at, created_at)
                SELECT s.id || ':' || e.id, s.id, s.account_id, e.sequence, e.id, '{DeliveryStatus.Pending}', 0, @now, @now
                FROM event_log e JOIN webhook_subscriptions s ON s.account_id = e.account_id
                WHERE e.id IN ({ids}) AND s.deleted_at IS NULL
                  AND EXISTS (SELECT 1 FROM webhook_subscription_types t
                              WHERE t.subscription_id = s.id AND t.event_type IN (e.type, '{WebhookSubscription.AllTypes}'))
                ORDER BY e.sequence, s.created_at, s.id
                ON CONFLICT (id) DO NOTHING
                RETURNING subscription_id;
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                logged++;
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                subscriptions.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new AppendResult(logged, [.. subscriptions]);
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

/// <summary>What <see cref="EventLogStore.AppendAsync"/> did: events newly logged, subscriptions that got deliveries.</summary>
public sealed record AppendResult(int Logged, IReadOnlyList<string> Subscriptions);
