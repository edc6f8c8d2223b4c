using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Storage;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox messages in sequence order, then deletes them. One relay works a
/// database at a time (a PostgreSQL advisory lock; standalone has one process), which keeps the
/// order; a relay that dies mid-batch leaves its rows, and the next one publishes them again
/// (at least once, same message ids). A message is never deleted before the broker confirmed it.
/// Publishes are pipelined (many confirms outstanding, one DELETE per batch) as far as the messages'
/// ordering keys allow: one subject's messages are never in flight together (<see cref="OutboxOrderingKey"/>).
/// </summary>
public sealed class OutboxRelay(
    IServiceProvider services, OutboxOptions options, WakeSignal signal, ILogger<OutboxRelay> logger)
    : BatchPoller(services, options.DatabaseName, options.BatchSize, logger)
{
    /// <summary>
    /// Arbitrary but fixed: identifies "the outbox relay" among advisory locks of a PostgreSQL database.
    /// Public for operations and tests: holding it pauses every relay of that database.
    /// </summary>
    public const long RelayLockKey = 0x0B0C_5EAD_0001;

    // A writer wakes the relay when it writes, which is before it commits: a relay that then finds
    // nothing looks again after 2, 4, 8 ... 128 ms (about a quarter second in all) before it falls
    // back to the poll interval, so a message usually leaves within milliseconds of its commit.
    private static readonly TimeSpan FirstChase = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LastChase = TimeSpan.FromMilliseconds(128);

    private bool _woken;
    private int _lastHandled;
    private TimeSpan _chase;

    protected override async Task<int> PollOnceAsync(Database database, CancellationToken cancellationToken)
    {
        _lastHandled = await RelayBatchAsync(database, cancellationToken);
        return _lastHandled;
    }

    // Commits in this process wake the relay at once; others' are seen at the next poll.
    protected override async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_woken && _lastHandled == 0 && _chase < LastChase)
        {
            _chase = _chase == TimeSpan.Zero ? FirstChase : _chase * 2;
            await signal.WaitAsync(_chase, cancellationToken);
            return;
        }

        _chase = TimeSpan.Zero;
        _woken = await signal.WaitAsync(options.PollInterval, cancellationToken);
    }

    /// <summary>Publishes the oldest batch of messages; returns how many (0 when another relay holds the database).</summary>
    public async Task<int> RelayBatchAsync(Database database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres &&
            !await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key)", new { key = RelayLockKey }))
        {
            return 0;
        }

        try
        {
            var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
                $"""
                SELECT sequence AS Sequence, message_id AS MessageId, message_type AS MessageType, body AS Body,
                       trace_parent AS TraceParent, trace_state AS TraceState, destination AS Destination,
                       request_id AS RequestId, response_address AS ResponseAddress
                FROM {OutboxTable.Name} ORDER BY sequence LIMIT @limit
                """,
                new { limit = options.BatchSize },
                cancellationToken: cancellationToken))).ToList();
            if (rows.Count == 0)
            {
                return 0;
            }

            var published = await PublishAsync(rows, cancellationToken);

            // Exactly the rows confirmed: a transaction that took a lower sequence may commit only now,
            // and its row must stay for the next batch (a range delete would drop it unpublished); so must
            // a row that failed, and every row that waited for it.
            if (published.Confirmed.Count > 0)
            {
                var sequences = string.Join(",", published.Confirmed.Select(r => r.Sequence));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {OutboxTable.Name} WHERE sequence IN ({sequences})",
                    cancellationToken: CancellationToken.None));
                OutboxTelemetry.Relayed.Add(published.Confirmed.Count);
            }

            if (published.Failure is not null)
            {
                // Rethrown after the delete: what did go out is not sent again, what did not stays.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(published.Failure);
            }

            return rows.Count;
        }
        finally
        {
            if (database.IsPostgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = RelayLockKey });
            }
        }
    }

    /// <summary>
    /// Publishes <paramref name="rows"/> (in sequence order) with as many broker confirms outstanding as the
    /// ordering allows: a row with an ordering key starts once the previous row with the same key is
    /// confirmed (so one subject's messages are never in flight together, whatever MassTransit does between
    /// the call and the channel: creating a send transport, declaring an exchange, retrying on a new
    /// channel), rows with other keys do not wait for it; a row without a key waits for every earlier row
    /// and is confirmed before any later one starts. The first failure stops new starts; what was started
    /// is awaited, so the result says exactly which rows the broker has.
    /// </summary>
    private async Task<RelayOutcome> PublishAsync(List<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var publisher = Services.GetRequiredService<IPublishEndpoint>();
        var sendEndpoints = Services.GetRequiredService<ISendEndpointProvider>();
        var ordering = Services.GetService<OutboxOrdering>();
        var started = new List<(OutboxRow Row, Task Publish)>(rows.Count);
        // The started publishes not awaited yet: what a row without a key (and the end) still has to wait for.
        // Everything before them was confirmed, so waiting for these alone keeps a batch linear.
        var pending = new List<Task>(rows.Count);
        var lastByKey = new Dictionary<string, Task>(StringComparer.Ordinal);
        Exception? failure = null;
        foreach (var row in rows)
        {
            object message;
            Type type;
            try
            {
                (message, type) = Read(row);
            }
            catch (Exception exception)
            {
                failure = exception;
                break;
            }

            var key = ordering?.KeyOf(message);
            if (key is null)
            {
                // Alone, in the outbox's order: not before an earlier row is confirmed, and not at all if one failed.
                failure = await SettleAsync(pending);
                if (failure is not null)
                {
                    break;
                }

                var alone = PublishOneAsync(publisher, sendEndpoints, row, message, type, cancellationToken);
                started.Add((row, alone));
                failure = await SettleAsync(alone);
                if (failure is not null)
                {
                    break;
                }

                lastByKey.Clear();
                continue;
            }

            var publish = lastByKey.TryGetValue(key, out var previous)
                ? AfterAsync(previous, () => PublishOneAsync(publisher, sendEndpoints, row, message, type, cancellationToken))
                : PublishOneAsync(publisher, sendEndpoints, row, message, type, cancellationToken);
            lastByKey[key] = publish;
            started.Add((row, publish));
            pending.Add(publish);
        }

        // Every started publish settles before the rows are deleted: a row is deleted only when confirmed.
        var late = await SettleAsync(pending);
        failure ??= late;
        return new RelayOutcome([.. started.Where(s => s.Publish.IsCompletedSuccessfully).Select(s => s.Row)], failure);
    }

    /// <summary>
    /// Waits for every pending publish, then forgets them; returns the failure of the earliest that failed
    /// (null when all were confirmed).
    /// </summary>
    private static async Task<Exception?> SettleAsync(List<Task> pending)
    {
        try
        {
            await Task.WhenAll(pending);
            return null;
        }
        catch
        {
            return FailureOf(pending.First(p => p.IsFaulted || p.IsCanceled));
        }
        finally
        {
            pending.Clear();
        }
    }

    /// <summary>Waits for one publish; returns its failure (null when it was confirmed).</summary>
    private static async Task<Exception?> SettleAsync(Task publish)
    {
        try
        {
            await publish;
            return null;
        }
        catch
        {
            return FailureOf(publish);
        }
    }

    // A cancelled publish has no exception of its own.
    private static Exception FailureOf(Task publish) =>
        publish.Exception?.InnerException ?? new OperationCanceledException("An outbox publish was cancelled.");

    // A message of the same subject goes out only once the one before it is confirmed; if that one failed,
    // this one fails too (it stays in the table behind it).
    private static async Task AfterAsync(Task previous, Func<Task> publish)
    {
        await previous;
        await publish();
    }

    // Only resolved types are cached: an unknown one may become known (a deploy that adds it) and is looked up again.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);

    private (object Message, Type Type) Read(OutboxRow row)
    {
        if (!Types.TryGetValue(row.MessageType, out var type))
        {
            type = Type.GetType(row.MessageType);
            if (type is not null)
            {
                Types[row.MessageType] = type;
            }
        }

        if (type is null)
        {
            Logger.LogError("Outbox message {MessageId} has unknown type {MessageType}; kept for inspection", row.MessageId, row.MessageType);
            throw new InvalidOperationException($"Unknown outbox message type {row.MessageType}");
        }

        return (JsonSerializer.Deserialize(row.Body, type)!, type);
    }

    private static async Task PublishOneAsync(
        IPublishEndpoint publisher, ISendEndpointProvider sendEndpoints, OutboxRow row, object message, Type type, CancellationToken cancellationToken)
    {
        var messageId = Guid.Parse(row.MessageId);
        // MassTransit's publish span (and the consumer's after it) becomes a child of this one.
        ActivityContext.TryParse(row.TraceParent, row.TraceState, out var parent);
        using var activity = OutboxTelemetry.Source.StartActivity(
            "outbox relay", ActivityKind.Internal, parent, [new("messaging.message.id", row.MessageId)]);
        void Address(SendContext context)
        {
            context.MessageId = messageId;
            context.RequestId = row.RequestId is null ? null : Guid.Parse(row.RequestId);
            context.ResponseAddress = row.ResponseAddress is null ? null : new Uri(row.ResponseAddress);
        }

        if (row.Destination is null)
        {
            await publisher.Publish(message, type, Address, cancellationToken);
        }
        else
        {
            var endpoint = await sendEndpoints.GetSendEndpoint(new Uri(row.Destination));
            await endpoint.Send(message, type, Address, cancellationToken);
        }
    }

    private sealed record RelayOutcome(IReadOnlyList<OutboxRow> Confirmed, Exception? Failure);

    private sealed class OutboxRow
    {
        public long Sequence { get; set; }

        public string MessageId { get; set; } = "";

        public string MessageType { get; set; } = "";

        public string Body { get; set; } = "";

        public string? TraceParent { get; set; }

        public string? TraceState { get; set; }

        public string? Destination { get; set; }

        public string? RequestId { get; set; }

        public string? ResponseAddress { get; set; }
    }
}
