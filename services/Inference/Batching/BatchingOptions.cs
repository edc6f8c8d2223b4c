namespace Platform.Inference.Batching;

/// <summary><c>Inference:Batching</c>: dynamic batching (Triton's semantics), per model.</summary>
public sealed class BatchingOptions
{
    /// <summary>Off: every request runs its own inputs as one batch, at once, concurrently with others.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long the first queued sequence may wait for others before its batch runs anyway
    /// (Triton's max_queue_delay_microseconds). A batch runs as soon as it is full, earlier.
    /// </summary>
    public int MaxQueueDelayMicroseconds { get; set; } = 2000;

    /// <summary>
    /// On (default): a request that finds the batcher idle (nothing queued, nothing computing) runs at
    /// once, and a batch waits for the delay only while requests overlap. Off: Triton's plain rule,
    /// every batch waits up to the delay for more (fuller batches for large models, at a lone request's cost).
    /// </summary>
    public bool StartWhenIdle { get; set; } = true;

    /// <summary>Sequences (inputs, not requests) waiting per model; beyond it requests get 429.</summary>
    public int MaxQueueSize { get; set; } = 1024;

    /// <summary>How long a request may wait in the queue and run before it fails with 503; 0 = no deadline.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>Caps every model's manifest maxBatchSize; 0 = the manifest decides.</summary>
    public int MaxBatchSize { get; set; }
}
