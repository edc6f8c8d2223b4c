namespace Platform.Inference.Batching;

/// <summary>One input waiting for a batch: its ids, when it arrived, until when it may be computed, and its result.</summary>
internal sealed class QueuedSequence(int[] ids, long enqueuedAt, long deadline, CancellationToken cancellation)
{
    public int[] Ids { get; } = ids;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long EnqueuedAt { get; } = enqueuedAt;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks; <see cref="long.MaxValue"/> = none.</summary>
    public long Deadline { get; } = deadline;

    public CancellationToken Cancellation { get; } = cancellation;

    public TaskCompletionSource<float[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
