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
/// </summary>
public sealed class OutboxRelay(
    IServiceProvider services, OutboxOptions options, OutboxSignal signal, ILogger<OutboxRelay> logger)
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

            var publisher = Services.GetRequiredService<IPublishEndpoint>();
            foreach (var row in rows)
            {
                var type = Type.GetType(row.MessageType);
                if (type is null)
                {
                    Logger.LogError("Outbox message {MessageId} has unknown type {MessageType}; kept for inspection", row.MessageId, row.MessageType);
                    throw new InvalidOperationException($"Unknown outbox message type {row.MessageType}");
                }

                var message = JsonSerializer.Deserialize(row.Body, type)!;
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

                // Awaited one by one: confirms arrive in order, so the order on the bus is the sequence order.
                if (row.Destination is null)
                {
                    await publisher.Publish(message, type, Address, cancellationToken);
                }
                else
                {
                    var endpoint = await Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri(row.Destination));
                    await endpoint.Send(message, type, Address, cancellationToken);
                }
            }

            // Exactly the rows published: a transaction that took a lower sequence may commit only now,
            // and its row must stay for the next batch (a range delete would drop it unpublished).
            var sequences = string.Join(",", rows.Select(r => r.Sequence));
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {OutboxTable.Name} WHERE sequence IN ({sequences})",
                cancellationToken: cancellationToken));
            OutboxTelemetry.Relayed.Add(rows.Count);
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
