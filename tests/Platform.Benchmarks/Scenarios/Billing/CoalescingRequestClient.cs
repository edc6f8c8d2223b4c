using System.Threading.Channels;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>
/// The client half of bus batching: concurrent callers each ask for one command, and whatever is
/// waiting (up to <paramref name="maxItems"/>) leaves as one batch message; up to
/// <paramref name="maxInFlight"/> batches travel at once. A lone caller is sent at once, so low
/// load costs no added latency; under load the batches grow by themselves.
/// </summary>
public sealed class CoalescingRequestClient<TItem, TOutcome> : IAsyncDisposable
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TOutcome> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TOutcome>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TOutcome>>> _send;
    private readonly int _maxItems;
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CoalescingRequestClient(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TOutcome>>> send, int maxItems, int maxInFlight)
    {
        _send = send;
        _maxItems = maxItems;
        _inFlight = new SemaphoreSlim(maxInFlight);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Sent with the next batch; the answer is this item's outcome.</summary>
    public Task<TOutcome> SendAsync(TItem item)
    {
        var done = new TaskCompletionSource<TOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(CoalescingRequestClient<TItem, TOutcome>)));
        }

        return done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                // Wait for a free slot first: while all batches are in flight, the next one keeps filling.
                await _inFlight.WaitAsync(_stop.Token);
                var batch = new List<(TItem Item, TaskCompletionSource<TOutcome> Done)>(_maxItems);
                while (batch.Count < _maxItems && reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                _ = SendBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task SendBatchAsync(List<(TItem Item, TaskCompletionSource<TOutcome> Done)> batch)
    {
        try
        {
            var outcomes = await _send([.. batch.Select(b => b.Item)], _stop.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception exception)
        {
            foreach (var (_, done) in batch)
            {
                done.TrySetException(exception);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting.
        }

        _stop.Dispose();
        _inFlight.Dispose();
    }
}
