using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Contracts.Billing;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Inference.Usage;

/// <summary>
/// Makes usage reports to Billing durable: each is written as a <see cref="RecordUsage"/> to the
/// transactional outbox in Inference's own database (<c>AddBusOutbox(InferenceModule.Name)</c>), and
/// the outbox relay publishes it after commit (at least once; Billing is idempotent by transfer id),
/// also after a crash and restart. Reports are group-committed:
/// whatever queued while the previous transaction ran is written in one transaction, so a busy
/// service pays one commit (one fsync) for many requests. Within a group, embedding reports of the
/// same account and model are summed into one report, which keeps the bus traffic to Billing far
/// below one message per request.
/// </summary>
public sealed class UsageOutbox(
    [FromKeyedServices(InferenceModule.Name)] Database database,
    TransactionalOutbox outbox,
    IOptions<UsageOptions> options,
    ILogger<UsageOutbox> logger) : BackgroundService
{
    private const int Attempts = 3;

    // Billing answers every report; a refusal must be heard (UsageReplyConsumer), not published to nobody.
    private static readonly OutboxAddressing ReplyTo = new() { ResponseAddress = UsageReplyConsumer.Address };

    private readonly Channel<PendingUsage> _queue = Channel.CreateBounded<PendingUsage>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>
    /// Queues <paramref name="usage"/> for the next group commit. The task completes when it is committed
    /// (or fails with <see cref="UsageUnavailableException"/>); callers that answer only after it are never unbilled.
    /// </summary>
    public async Task RecordAsync(RecordUsage usage, bool mergeable, CancellationToken cancellationToken)
    {
        var pending = new PendingUsage(usage, mergeable);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new UsageUnavailableException("The service is stopping; usage cannot be recorded.");
        }

        if (options.Value.WaitForCommit)
        {
            await pending.Committed.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingUsage>(options.Value.MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Take(batch);
                await CommitAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: what was queued is still written (its requests are waiting), then the queue closes.
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryPeek(out _))
        {
            Take(batch);
            await CommitAsync(batch, CancellationToken.None);
        }
    }

    private void Take(List<PendingUsage> batch)
    {
        batch.Clear();
        while (batch.Count < options.Value.MaxBatch && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task CommitAsync(List<PendingUsage> batch, CancellationToken cancellationToken)
    {
        var messages = Merge(batch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using (var connection = await database.OpenAsync(cancellationToken))
                {
                    if (!options.Value.FlushToDisk && !database.IsPostgres)
                    {
                        // SQLite: per connection and outside a transaction (pooled connections of this database keep it).
                        await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL", cancellationToken);
                    }

                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    if (!options.Value.FlushToDisk && database.IsPostgres)
                    {
                        await ExecuteAsync(connection, transaction, "SET LOCAL synchronous_commit = off", cancellationToken);
                    }

                    foreach (var message in messages)
                    {
                        await outbox.PublishAsync(message, ReplyTo, connection, transaction, cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                UsageTelemetry.Committed.Add(batch.Count);
                UsageTelemetry.Messages.Add(messages.Count);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetResult();
                }

                return;
            }
            catch (Exception exception) when (attempt < Attempts)
            {
                logger.LogWarning(exception, "Usage group of {Reports} reports not committed (attempt {Attempt}); trying again", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
            catch (Exception exception)
            {
                UsageTelemetry.Failed.Add(batch.Count);
                // With WaitForCommit the callers answer 503 instead of serving unbilled work; without it this is the only trace.
                logger.LogError(exception, "Usage group of {Reports} reports could not be committed after {Attempts} attempts; first transfer {TransferId}",
                    batch.Count, attempt, batch[0].Usage.TransferId);
                var failure = new UsageUnavailableException("Usage could not be recorded.", exception);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetException(failure);
                }

                return;
            }
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Sums mergeable reports of one account, kind and model (the first one's transfer id names the sum); others stay as they are.</summary>
    internal static List<RecordUsage> Merge(List<PendingUsage> batch)
    {
        var messages = new List<RecordUsage>(batch.Count);
        Dictionary<(Guid, string, string?), int>? merged = null;
        foreach (var pending in batch)
        {
            var usage = pending.Usage;
            if (!pending.Mergeable)
            {
                messages.Add(usage);
                continue;
            }

            merged ??= [];
            var key = (usage.AccountId, usage.Kind, usage.Model);
            if (merged.TryGetValue(key, out var index))
            {
                var sum = messages[index];
                messages[index] = sum with
                {
                    InputTokens = sum.InputTokens + usage.InputTokens,
                    OutputTokens = sum.OutputTokens + usage.OutputTokens,
                    EmbeddingTokens = sum.EmbeddingTokens + usage.EmbeddingTokens,
                };
            }
            else
            {
                merged[key] = messages.Count;
                messages.Add(usage);
            }
        }

        return messages;
    }
}
