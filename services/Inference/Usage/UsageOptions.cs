namespace Platform.Inference.Usage;

/// <summary><c>Inference:Usage</c>: how usage reports to Billing are made durable.</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Inference:Usage";

    /// <summary>
    /// On (default): an answer goes out only after its usage is committed to the outbox, so every
    /// answered request is billed even if the process dies right after. Off: the answer does not wait
    /// for the commit (one group commit, a few milliseconds); a crash inside that window loses its usage.
    /// </summary>
    public bool WaitForCommit { get; set; } = true;

    /// <summary>
    /// On (default): a commit waits for the disk (SQLite WAL fsync, PostgreSQL synchronous commit).
    /// Off: it waits for the database only (SQLite <c>synchronous=NORMAL</c>, PostgreSQL
    /// <c>synchronous_commit=off</c> for these transactions): usage still survives a kill of this
    /// process, but not an OS crash or power loss in the following moments (PostgreSQL: a server crash
    /// within about three <c>wal_writer_delay</c>s). Saves the fsync (1-3 ms here) per commit.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Most reports written in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 512;
}
