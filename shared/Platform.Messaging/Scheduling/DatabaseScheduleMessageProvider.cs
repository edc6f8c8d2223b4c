using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Platform.Storage;

namespace Platform.Messaging.Scheduling;

/// <summary>
/// MassTransit's message scheduler backed by a table, because the RabbitMQ here has no
/// delayed-message exchange (MassTransit's delayed scheduling would silently never fire).
/// Scheduling inserts a row; cancelling deletes it; <see cref="ScheduledMessagePoller"/> sends due rows.
/// </summary>
public sealed class DatabaseScheduleMessageProvider(IServiceProvider services, SchedulerOptions options, TimeProvider clock)
    : IScheduleMessageProvider
{
    private Database Database => services.GetRequiredKeyedService<Database>(options.DatabaseName);

    public async Task<ScheduledMessage<T>> ScheduleSend<T>(
        Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        var tokenId = NewId.NextGuid();
        var utc = scheduledTime.Kind == DateTimeKind.Local ? scheduledTime.ToUniversalTime() : DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc);
        await ExecuteAsync(
            $"""
            INSERT INTO {ScheduledMessages.Table} (token_id, destination, due_at, message_type, body, created_at)
            VALUES (@tokenId, @destination, @dueAt, @type, @body, @now)
            """,
            new
            {
                tokenId = tokenId.ToString(),
                destination = destinationAddress.ToString(),
                dueAt = new DateTimeOffset(utc).ToUnixTimeMilliseconds(),
                type = message.GetType().AssemblyQualifiedName,
                body = JsonSerializer.Serialize(message, message.GetType()),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            cancellationToken);
        return new ScheduledMessageHandle<T>(tokenId, utc, destinationAddress, message);
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken) => CancelAsync(tokenId, cancellationToken);

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) => CancelAsync(tokenId, cancellationToken);

    private Task CancelAsync(Guid tokenId, CancellationToken cancellationToken) =>
        ExecuteAsync($"DELETE FROM {ScheduledMessages.Table} WHERE token_id = @tokenId", new { tokenId = tokenId.ToString() }, cancellationToken);

    /// <summary>Inside a saga's transaction on the same database, the timer joins it; otherwise it commits alone.</summary>
    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var database = Database;
        if (AmbientTransaction.For(database) is var (connection, transaction))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            return;
        }

        await using var own = await database.OpenAsync(cancellationToken);
        await own.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
