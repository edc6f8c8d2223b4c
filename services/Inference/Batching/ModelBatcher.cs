using System.Diagnostics;
using System.Threading.Channels;
using Platform.Inference.Models;

namespace Platform.Inference.Batching;

/// <summary>
/// Dynamic batching for one model, with Triton's semantics: sequences from concurrent requests
/// queue up; a batch runs as soon as it holds the model's max batch size, or when its oldest
/// sequence has waited the max queue delay, whichever comes first. A request that finds the batcher
/// idle (nothing queued, nothing computing) runs at once on its own thread: a lone request pays
/// neither the delay nor a hand-over to the batching loop; batches form as soon as requests overlap. Batches are padded to their
/// longest sequence. The queue is bounded (<see cref="QueueFullException"/> = 429), and every
/// request has a deadline: sequences still queued when it passes are not computed.
/// With batching off, each request runs its own inputs as one batch at once.
/// </summary>
public sealed class ModelBatcher : IAsyncDisposable
{
    private readonly BatchingOptions _options;
    private readonly ILogger<ModelBatcher> _logger;
    private readonly Channel<QueuedSequence> _queue = Channel.CreateUnbounded<QueuedSequence>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _window = new();

    // Held while a batch computes, by the batching loop or by a caller that found the batcher idle.
    private readonly SemaphoreSlim _compute = new(1, 1);
    private readonly Task _worker;
    private readonly KeyValuePair<string, object?> _modelTag;
    private int _queued;
    private double _secondsPerSequence = 0.001;

    public ModelBatcher(OnnxModel model, BatchingOptions options, ILogger<ModelBatcher> logger)
    {
        Model = model;
        _options = options;
        _logger = logger;
        _modelTag = new("model", model.Descriptor.Name);
        var manifestMax = model.Descriptor.MaxBatchSize ?? ModelManifestValidator.DefaultMaxBatchSize;
        MaxBatchSize = options.MaxBatchSize > 0 ? Math.Min(options.MaxBatchSize, manifestMax) : manifestMax;
        MaxQueueDelay = TimeSpan.FromMicroseconds(Math.Max(0, options.MaxQueueDelayMicroseconds));
        _worker = options.Enabled ? Task.Run(WorkAsync) : Task.CompletedTask;
    }

    public OnnxModel Model { get; }

    public int MaxBatchSize { get; }

    public TimeSpan MaxQueueDelay { get; }

    public int Queued => Volatile.Read(ref _queued);

    /// <summary>One output row per sequence, in order.</summary>
    public async Task<float[][]> RunAsync(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return [];
        }

        var timeout = _options.RequestTimeoutMs > 0 ? TimeSpan.FromMilliseconds(_options.RequestTimeoutMs) : Timeout.InfiniteTimeSpan;
        if (!_options.Enabled)
        {
            return RunUnbatched(sequences);
        }

        // Idle batcher (nothing queued, no batch computing): this request is a batch of its own, run
        // at once on the caller's thread, with no queue delay and no hand-over to the batching loop.
        if (_options.StartWhenIdle && sequences.Count <= MaxBatchSize && Queued == 0 && _compute.Wait(0))
        {
            try
            {
                if (Queued == 0)
                {
                    OnnxTelemetry.QueueTime.Record(0, _modelTag);
                    return Compute(sequences);
                }
            }
            finally
            {
                _compute.Release();
            }
        }

        var queued = Interlocked.Add(ref _queued, sequences.Count);
        if (queued > _options.MaxQueueSize)
        {
            Interlocked.Add(ref _queued, -sequences.Count);
            OnnxTelemetry.QueueRejections.Add(1, _modelTag);
            throw new QueueFullException(Model.Descriptor.Name, queued - sequences.Count, _options.MaxQueueSize, EstimateRetryAfter(queued));
        }

        var now = Stopwatch.GetTimestamp();
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : now + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var items = new QueuedSequence[sequences.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new QueuedSequence(sequences[i], now, deadline, cancellationToken);
            if (!_queue.Writer.TryWrite(items[i]))
            {
                throw new ObjectDisposedException(nameof(ModelBatcher), "The model is shutting down.");
            }
        }

        var results = new float[items.Length][];
        for (var i = 0; i < items.Length; i++)
        {
            results[i] = await items[i].Result.Task.ConfigureAwait(false);
        }

        return results;
    }

    private float[][] RunUnbatched(IReadOnlyList<int[]> sequences)
    {
        if (sequences.Count <= MaxBatchSize)
        {
            return Compute(sequences);
        }

        var results = new float[sequences.Count][];
        var chunk = new List<int[]>(MaxBatchSize);
        for (var start = 0; start < sequences.Count; start += MaxBatchSize)
        {
            chunk.Clear();
            for (var i = start; i < Math.Min(start + MaxBatchSize, sequences.Count); i++)
            {
                chunk.Add(sequences[i]);
            }

            Compute(chunk).CopyTo(results, start);
        }

        return results;
    }

    private float[][] Compute(IReadOnlyList<int[]> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = Model.Run(batch);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        OnnxTelemetry.BatchSize.Record(batch.Count, _modelTag);
        OnnxTelemetry.ComputeTime.Record(seconds, _modelTag);
        // Smoothed cost per sequence, for Retry-After when the queue is full.
        _secondsPerSequence = (0.9 * _secondsPerSequence) + (0.1 * seconds / batch.Count);
        return rows;
    }

    private TimeSpan EstimateRetryAfter(int queued) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((queued * _secondsPerSequence) + MaxQueueDelay.TotalSeconds)));

    /// <summary>
    /// The batching loop. A sequence that finds the batcher idle (it was waiting for input) runs at
    /// once with whatever else is already queued: waiting for the window would only delay a lone
    /// request. When other requests arrived while the previous batch computed, the model is busy,
    /// and the batch waits up to the max queue delay (from its oldest sequence) to fill up.
    /// </summary>
    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<QueuedSequence>(MaxBatchSize);
        var live = new List<QueuedSequence>(MaxBatchSize);
        var ids = new List<int[]>(MaxBatchSize);
        var delayTicks = (long)(MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
        var busy = !_options.StartWhenIdle;
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var first))
                {
                    busy = !_options.StartWhenIdle;
                    if (!await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                batch.Clear();
                batch.Add(first);
                var closesAt = first.EnqueuedAt + delayTicks;
                while (batch.Count < MaxBatchSize)
                {
                    if (reader.TryRead(out var next))
                    {
                        batch.Add(next);
                        continue;
                    }

                    var remaining = closesAt - Stopwatch.GetTimestamp();
                    if (!busy || remaining <= 0 || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                Interlocked.Add(ref _queued, -batch.Count);
                // Busy means other requests arrived while this batch computed; the rest of one large
                // request, already queued, does not count (it need not wait for anyone).
                var waiting = Queued;
                await _compute.WaitAsync().ConfigureAwait(false);
                try
                {
                    RunBatch(batch, live, ids);
                }
                finally
                {
                    _compute.Release();
                }

                busy = !_options.StartWhenIdle || Queued > waiting;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }

        while (reader.TryRead(out var left))
        {
            left.Result.TrySetException(new ObjectDisposedException(nameof(ModelBatcher), "The model is shutting down."));
        }
    }

    /// <summary>Waits up to <paramref name="ticks"/> for another sequence; false when none came (or the batcher stops).</summary>
    private async Task<bool> WaitForMoreAsync(ChannelReader<QueuedSequence> reader, long ticks)
    {
        // One timer source for the loop, reset after every wait that did not fire: no allocation per batch.
        if (!_window.TryReset())
        {
            _window.Dispose();
            _window = new CancellationTokenSource();
        }

        _window.CancelAfter(TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency));
        try
        {
            return await reader.WaitToReadAsync(_window.Token).ConfigureAwait(false) && !_stopping.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void RunBatch(List<QueuedSequence> batch, List<QueuedSequence> live, List<int[]> ids)
    {
        var now = Stopwatch.GetTimestamp();
        live.Clear();
        ids.Clear();
        foreach (var item in batch)
        {
            OnnxTelemetry.QueueTime.Record(Stopwatch.GetElapsedTime(item.EnqueuedAt, now).TotalSeconds, _modelTag);
            if (item.Cancellation.IsCancellationRequested)
            {
                item.Result.TrySetCanceled(item.Cancellation);
            }
            else if (now > item.Deadline)
            {
                OnnxTelemetry.DeadlineExceeded.Add(1, _modelTag);
                item.Result.TrySetException(new DeadlineExceededException(Model.Descriptor.Name, TimeSpan.FromMilliseconds(_options.RequestTimeoutMs)));
            }
            else
            {
                live.Add(item);
                ids.Add(item.Ids);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        try
        {
            var rows = Compute(ids);
            for (var i = 0; i < live.Count; i++)
            {
                live[i].Result.TrySetResult(rows[i]);
            }
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Batch of {BatchSize} failed on model {ModelId}", live.Count, Model.Descriptor.Name);
            foreach (var item in live)
            {
                item.Result.TrySetException(exception);
            }
        }
    }

    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _window.Dispose();
        _compute.Dispose();
        Model.Dispose();
    }
}
