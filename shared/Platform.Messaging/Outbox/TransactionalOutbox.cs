using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Storage;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Writes messages to publish into an outbox table inside the caller's transaction, so the message
/// exists if and only if the state change committed. The relay of that database publishes it
/// afterwards (at least once; each message keeps its id, so consumers can drop repeats). One service
/// for every outbox of the host (standalone has several): the message goes to the database the
/// caller's transaction is on.
/// </summary>
public sealed class TransactionalOutbox(IServiceProvider services, IEnumerable<OutboxRegistration> outboxes, TimeProvider clock)
{
    // Each outbox's database, resolved once: every write looks for the one it is on.
    private readonly (Database Database, WakeSignal Signal)[] _outboxes =
        [.. outboxes.Select(o => (services.GetRequiredKeyedService<Database>(o.DatabaseName), o.Signal))];

    /// <summary>Adds <paramref name="message"/> to the outbox within <paramref name="transaction"/>; returns its message id.</summary>
    public Task<Guid> PublishAsync<T>(T message, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        where T : class =>
        PublishAsync(message, addressing: null, connection, transaction, cancellationToken);

    /// <summary>
    /// Adds <paramref name="message"/> to the outbox within <paramref name="transaction"/>, sent or
    /// answered as <paramref name="addressing"/> says; returns its message id.
    /// </summary>
    public async Task<Guid> PublishAsync<T>(
        T message, OutboxAddressing? addressing, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        where T : class
    {
        var id = NewId.NextGuid();
        // The relay publishes later, on its own thread: keep the writer's trace so the consumer's
        // spans join the request that caused the message, not a trace of their own.
        var activity = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current : null;
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {OutboxTable.Name}
                (message_id, message_type, body, created_at, trace_parent, trace_state, destination, request_id, response_address)
            VALUES (@id, @type, @body, @now, @traceParent, @traceState, @destination, @requestId, @responseAddress)
            """,
            new
            {
                id = id.ToString(),
                type = TypeName(message.GetType()),
                body = JsonSerializer.Serialize(message, message.GetType()),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
                traceParent = activity?.Id,
                traceState = activity?.TraceStateString,
                destination = addressing?.Destination?.ToString(),
                requestId = addressing?.RequestId?.ToString(),
                responseAddress = addressing?.ResponseAddress?.ToString(),
            },
            transaction,
            cancellationToken: cancellationToken));
        // Wake the relay of the database written to, only (standalone hosts every module's relay; a connection
        // no outbox database owns, which should not happen, wakes them all), once the transaction has committed
        // when a unit of work owns it (DatabaseTransaction): a relay woken before the commit finds nothing and
        // chases it with a few quick looks.
        var owners = _outboxes.Where(o => o.Database.Owns(connection)).ToArray();
        foreach (var (_, signal) in owners.Length > 0 ? owners : _outboxes)
        {
            DatabaseTransaction.AfterCommit(transaction, signal.Notify);
        }

        return id;
    }

    /// <summary>
    /// "Namespace.Type, Assembly" without version or key: rows written before an upgrade that changes
    /// the assembly version still resolve, instead of blocking the relay.
    /// </summary>
    internal static string TypeName(Type type) =>
        type.IsGenericType ? type.AssemblyQualifiedName! : $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>
    /// Adds <paramref name="message"/> within the transaction open on an outbox database in this flow
    /// (e.g. the saga repository's, while a saga handles a message).
    /// </summary>
    public Task<Guid> PublishAsync<T>(T message, CancellationToken cancellationToken, OutboxAddressing? addressing = null)
        where T : class
    {
        foreach (var (database, _) in _outboxes)
        {
            if (AmbientTransaction.For(database) is { } ambient)
            {
                return PublishAsync(message, addressing, ambient.Connection, ambient.Transaction, cancellationToken);
            }
        }

        throw new InvalidOperationException(
            $"No transaction is open on an outbox database ({string.Join(", ", _outboxes.Select(o => o.Database.Name))}): " +
            "pass the connection and transaction of the state change.");
    }
}

/// <summary>One database with an outbox and the signal that wakes its relay.</summary>
public sealed record OutboxRegistration(string DatabaseName, WakeSignal Signal);
