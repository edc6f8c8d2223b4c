namespace Platform.Inference.Batching;

/// <summary>The model's queue cannot take the request's inputs now; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class QueueFullException(string model, int queued, int capacity, TimeSpan retryAfter)
    : Exception($"Model '{model}' has {queued} inputs queued (capacity {capacity}).")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
