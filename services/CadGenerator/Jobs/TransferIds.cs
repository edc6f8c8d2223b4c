namespace Platform.CadGenerator.Jobs;

/// <summary>
/// Billing transfer ids of a job's ledger commands: <c>cad-{jobId:N}-{step}</c>. They make retries
/// idempotent in the ledger, and Billing's answers carry them back, which is how the answers find the job's saga.
/// </summary>
public static class TransferIds
{
    public static string Reserve(Guid jobId) => $"cad-{jobId:N}-reserve";

    public static string Usage(Guid jobId) => $"cad-{jobId:N}-usage";

    public static string Capture(Guid jobId) => $"cad-{jobId:N}-capture";

    public static string Release(Guid jobId) => $"cad-{jobId:N}-release";

    /// <summary>The job a transfer id belongs to; <see cref="Guid.Empty"/> for anyone else's (the saga then finds no instance and drops the answer).</summary>
    public static Guid JobOf(string? transferId) =>
        transferId is { Length: > 37 } && transferId.StartsWith("cad-", StringComparison.Ordinal) && transferId[36] == '-'
            && Guid.TryParseExact(transferId.AsSpan(4, 32), "N", out var jobId)
            ? jobId
            : Guid.Empty;
}
