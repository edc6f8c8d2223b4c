namespace Platform.SafetyGuard.Audit;

/// <summary>Bound from <c>SafetyGuard:Audit</c>: how the audit writer groups records into transactions.</summary>
public sealed class AuditOptions
{
    /// <summary>Most records written in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Records that may wait for the writer; checks beyond it wait to enqueue (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 10_000;
}
