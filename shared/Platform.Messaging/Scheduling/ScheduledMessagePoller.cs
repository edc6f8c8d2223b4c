using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Storage;

namespace Platform.Messaging.Scheduling;

/// <summary>
/// Sends scheduled messages when they are due, then deletes their rows in the same transaction.
/// Several instances can poll one table: PostgreSQL hands each due row to one of them (SKIP LOCKED).
/// A crash between send and commit sends the message again: consumers of timeouts must be idempotent
/// (state machines are: the second timeout finds the saga in another state, or a cleared token).
/// </summary>
public sealed class ScheduledMessagePoller(
    IServiceProvider services, SchedulerOptions options, TimeProvider clock, ILogger<ScheduledMessagePoller> logger)
    : BatchPoller(services, options.DatabaseName, options.BatchSize, logger)
{
    protected override Task<int> PollOnceAsync(Database database, CancellationToken cancellationToken) => SendDueAsync(database, cancellationToken);

    protected override Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(options.PollInterval, clock, cancellationToken);

    /// <summary>Sends one batch of due messages; returns how many.</summary>
    public async Task<int> SendDueAsync(Database database, CancellationToken cancellationToken)
    {
        const string selectDue =
            $"""
            SELECT token_id AS TokenId, destination AS Destination, message_type AS MessageType, body AS Body
            FROM {ScheduledMessages.Table} WHERE due_at <= @now ORDER BY due_at LIMIT @limit
            """;
        const string delete = $"DELETE FROM {ScheduledMessages.Table} WHERE token_id = @tokenId";
        var parameters = new { now = clock.GetUtcNow().ToUnixTimeMilliseconds(), limit = options.BatchSize };

        await using var connection = await database.OpenAsync(cancellationToken);
        if (!database.IsPostgres)
        {
            // Standalone: one process polls. Holding SQLite's single write lock while sending would
            // stall every saga, so each row is sent, then deleted on its own.
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(selectDue, parameters, cancellationToken: cancellationToken))).ToList();
            foreach (var row in rows)
            {
                await SendAsync(row, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(delete, new { tokenId = row.TokenId }, cancellationToken: cancellationToken));
            }

            return rows.Count;
        }

        // Distributed: rows are locked and skipped by other pollers; deletes commit with the batch.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = (await connection.QueryAsync<Row>(new CommandDefinition(
            selectDue + " FOR UPDATE SKIP LOCKED", parameters, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var row in due)
        {
            await SendAsync(row, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(delete, new { tokenId = row.TokenId }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    private async Task SendAsync(Row row, CancellationToken cancellationToken)
    {
        var type = Type.GetType(row.MessageType);
        if (type is null)
        {
            Logger.LogError("Scheduled message {TokenId} has unknown type {MessageType}; dropped", row.TokenId, row.MessageType);
            return;
        }

        var message = JsonSerializer.Deserialize(row.Body, type)!;
        // Resolved here, not injected: building the bus before the host starts it would bypass its start-up order.
        var endpoint = await Services.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri(row.Destination));
        await endpoint.Send(message, type, context => context.Headers.Set(ScheduledMessages.TokenIdHeader, row.TokenId), cancellationToken);
    }

    private sealed record Row(string TokenId, string Destination, string MessageType, string Body);
}
