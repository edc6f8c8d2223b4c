using System.Diagnostics;
using System.Threading.Channels;
using Platform.Inference.Models;

namespace Platform.Inference.Batching;

/// <summary>
/// Dynamic batching for one model, with Triton's semantics: sequences from concurrent requests
/// queue up; a batch runs as soon as it holds the model's max batch size, or when its oldest
/// sequence has waited the max queue delay, whichever comes first. Batches are padded to their
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
        var results = new float[sequences.Count][];
        for (var start = 0; start < sequences.Count; start += MaxBatchSize)
        {
            var chunk = sequences.Skip(start).Take(MaxBatchSize).ToArray();
            var rows = Compute(chunk);
            rows.CopyTo(results, start);
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

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<QueuedSequence>(MaxBatchSize);
        var delayTicks = (long)(MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (!reader.TryRead(out var first))
                {
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
                    if (remaining <= 0 || !await WaitForMoreAsync(reader, TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency)).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                Interlocked.Add(ref _queued, -batch.Count);
                RunBatch(batch);
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

    private async Task<bool> WaitForMoreAsync(ChannelReader<QueuedSequence> reader, TimeSpan wait)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(wait);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private void RunBatch(List<QueuedSequence> batch)
    {
        var now = Stopwatch.GetTimestamp();
        var live = new List<QueuedSequence>(batch.Count);
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
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        try
        {
            var rows = Compute(live.Select(item => item.Ids).ToArray());
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
        Model.Dispose();
    }
}
