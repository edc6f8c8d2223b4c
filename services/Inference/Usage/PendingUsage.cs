using Platform.Contracts.Billing;

namespace Platform.Inference.Usage;

/// <summary>One usage report waiting for the next group commit, and the caller waiting for it.</summary>
internal sealed class PendingUsage(RecordUsage usage, bool mergeable)
{
    public RecordUsage Usage { get; } = usage;

    /// <summary>May be summed with others of the same account, kind and model into one report (embeddings).</summary>
    public bool Mergeable { get; } = mergeable;

    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
