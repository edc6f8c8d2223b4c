using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Billing.Storage;

namespace Platform.Billing.Ledger;

/// <summary>
/// The ledger's single writer (group commit). Callers enqueue commands; one loop takes whatever is
/// queued (up to <see cref="LedgerOptions.MaxBatchSize"/>) and applies it in ONE transaction, so
/// throughput is not bounded by one commit per transfer: while a batch commits, the next one fills.
/// A batch that fails as a whole (e.g. a database error) is retried one command at a time, so one
/// bad command cannot fail its neighbours. Every caller gets an answer or an exception, never silence.
/// </summary>
public sealed class LedgerBatcher : BackgroundService
{
    private readonly Channel<Queued> _queue;
    private readonly ILedgerStore _store;
    private readonly ILogger<LedgerBatcher> _logger;
    private readonly int _maxBatch;

    public LedgerBatcher(ILedgerStore store, IOptions<BillingOptions> options, ILogger<LedgerBatcher> logger)
    {
        _store = store;
        _logger = logger;
        _maxBatch = Math.Max(1, options.Value.Ledger.MaxBatchSize);
        _queue = Channel.CreateBounded<Queued>(new BoundedChannelOptions(Math.Max(1, options.Value.Ledger.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Applies <paramref name="command"/> with the next batch. Cancelling stops the wait, not necessarily the write.</summary>
    public async Task<LedgerResult> SubmitAsync(LedgerCommand command, CancellationToken cancellationToken)
    {
        var queued = new Queued(command, new TaskCompletionSource<LedgerResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(queued, cancellationToken);
        return await queued.Result.Task.WaitAsync(cancellationToken);
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

                await ApplyAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whoever still waits is told so below.
        }

        _queue.Writer.TryComplete();
        var stopped = new OperationCanceledException("Billing is shutting down; retry the command with the same transfer id.");
        foreach (var queued in batch.Concat(Drain()))
        {
            queued.Result.TrySetException(stopped);
        }
    }

    private IEnumerable<Queued> Drain()
    {
        while (_queue.Reader.TryRead(out var queued))
        {
            yield return queued;
        }
    }

    private async Task ApplyAsync(List<Queued> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var results = await _store.ApplyAsync([.. batch.Select(q => q.Command)], cancellationToken);
            Complete(batch, results);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            if (batch.Count == 1)
            {
                _logger.LogError(exception, "Ledger command {TransferId} failed", batch[0].Command.TransferId);
                batch[0].Result.TrySetException(exception);
                return;
            }

            _logger.LogWarning(exception, "Ledger batch of {Count} failed; retrying its commands one by one", batch.Count);
            foreach (var queued in batch)
            {
                try
                {
                    Complete([queued], await _store.ApplyAsync([queued.Command], cancellationToken));
                }
                catch (Exception single) when (!cancellationToken.IsCancellationRequested)
                {
                    _logger.LogError(single, "Ledger command {TransferId} failed", queued.Command.TransferId);
                    queued.Result.TrySetException(single);
                }
            }
        }
        finally
        {
            BillingTelemetry.BatchSize.Record(batch.Count);
            BillingTelemetry.BatchLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static void Complete(IReadOnlyList<Queued> batch, IReadOnlyList<LedgerResult> results)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var result = results[i];
            var kind = batch[i].Command switch
            {
                DepositCommand => "deposit",
                ReserveCommand => "reserve",
                CaptureCommand => "capture",
                ReleaseCommand => "release",
                ExpireCommand => "expire",
                _ => "usage",
            };
            BillingTelemetry.Transfers.Add(
                1,
                new KeyValuePair<string, object?>("kind", kind),
                new KeyValuePair<string, object?>("outcome", result.Replayed ? "replayed" : result.Outcome.ToString()));
            if (result is { Succeeded: true, Replayed: false, Transfer: { } transfer })
            {
                BillingTelemetry.Credits.Add(transfer.Amount, new KeyValuePair<string, object?>("kind", transfer.Kind.ToText()));
            }

            batch[i].Result.TrySetResult(result);
        }
    }

    private sealed record Queued(LedgerCommand Command, TaskCompletionSource<LedgerResult> Result);
}
