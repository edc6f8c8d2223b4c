using System.Diagnostics;
using System.Threading.Channels;

namespace Platform.SafetyGuard.Audit;

/// <summary>
/// The audit log's single writer (group commit). A check is decided first, in memory, and then waits
/// here only for the commit of the batch its record joined: one loop takes whatever is queued (up to
/// <see cref="AuditOptions.MaxBatchSize"/>) and writes it in ONE transaction, with a
/// <see cref="Platform.Contracts.SafetyGuard.GuardDenied"/> outbox message per deny in that same
/// transaction. So concurrent checks share one connection, one transaction and one commit instead of
/// paying for their own, and no decision is answered before its record (and event) is durable: a crash
/// loses only decisions nobody was told. A batch that fails as a whole is retried record by record,
/// so one bad record cannot fail its neighbours.
/// </summary>
public sealed class AuditWriter : BackgroundService
{
    private readonly Channel<Queued> _queue;
    private readonly DecisionLog _log;
    private readonly ILogger<AuditWriter> _logger;
    private readonly int _maxBatch;

    public AuditWriter(DecisionLog log, SafetyGuardOptions options, ILogger<AuditWriter> logger)
    {
        _log = log;
        _logger = logger;
        _maxBatch = Math.Max(1, options.Audit.MaxBatchSize);
        _queue = Channel.CreateBounded<Queued>(new BoundedChannelOptions(Math.Max(1, options.Audit.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Writes <paramref name="record"/> with the next batch and returns when it committed. Cancelling stops the wait, not the write.</summary>
    public async Task WriteAsync(Guid accountId, DecisionRecord record, CancellationToken cancellationToken)
    {
        var queued = new Queued(new AuditEntry(accountId, record, Activity.Current), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(queued, cancellationToken);
        await queued.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Queued>(_maxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var queued))
                {
                    batch.Add(queued);
                }

                await WriteBatchAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued gets one last write below.
        }

        _queue.Writer.TryComplete();
        var rest = batch.Concat(Drain()).ToList();
        if (rest.Count > 0)
        {
            // Checks already decided are still waiting for their record: write them rather than fail them,
            // within a bounded time so a dead database cannot hold the shutdown.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteBatchAsync(rest, timeout.Token);
        }
    }

    private IEnumerable<Queued> Drain()
    {
        while (_queue.Reader.TryRead(out var queued))
        {
            yield return queued;
        }
    }

    private async Task WriteBatchAsync(List<Queued> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _log.WriteAsync([.. batch.Select(q => q.Entry)], cancellationToken);
            foreach (var queued in batch)
            {
                queued.Done.TrySetResult();
            }
        }
        catch (Exception exception) when (batch.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(exception, "Audit batch of {Count} records failed; writing them one by one", batch.Count);
            foreach (var queued in batch)
            {
                try
                {
                    await _log.WriteAsync([queued.Entry], cancellationToken);
                    queued.Done.TrySetResult();
                }
                catch (Exception single)
                {
                    _logger.LogError(single, "Audit record {DecisionId} could not be written", queued.Entry.Record.Id);
                    queued.Done.TrySetException(single);
                }
            }
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Audit batch of {Count} records could not be written", batch.Count);
            foreach (var queued in batch)
            {
                queued.Done.TrySetException(exception);
            }
        }
        finally
        {
            SafetyGuardTelemetry.AuditBatchSize.Record(batch.Count);
            SafetyGuardTelemetry.AuditBatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private sealed record Queued(AuditEntry Entry, TaskCompletionSource Done);
}
