namespace Platform.Contracts.Retrieval;

// Retrieval's writes on the bus, for Ingest. Every command names the owning account: Retrieval
// writes and deletes only that account's points, so the sender must pass the document owner's
// account, never a value taken from user input.

/// <summary>
/// Inserts or replaces <paramref name="Chunks"/> (1 to 1,000, one dimension) in
/// <paramref name="Collection"/> of <paramref name="AccountId"/>, each tagged with
/// <paramref name="DocumentId"/>. Same point id replaces, so a repeated command duplicates nothing.
/// Answered with <see cref="ChunksUpserted"/> or <see cref="UpsertRejected"/>.
/// </summary>
public sealed record UpsertChunks(Guid AccountId, string Collection, string DocumentId, IReadOnlyList<ChunkPoint> Chunks);

/// <summary>One chunk: its point id, unit or non-unit vector (cosine), text (for BM25 and display) and tags.</summary>
public sealed record ChunkPoint(string Id, float[] Vector, string Text, IReadOnlyList<string>? Tags = null);

public sealed record ChunksUpserted(Guid AccountId, string Collection, string DocumentId, int Upserted, int Dimension);

/// <summary>Nothing was written. <paramref name="Reason"/> is one of <see cref="UpsertRejectionReasons"/>; <paramref name="Detail"/> is for people.</summary>
public sealed record UpsertRejected(string Reason, string Detail);

public static class UpsertRejectionReasons
{
    public const string Invalid = "invalid";

    /// <summary>The collection already holds vectors of another dimension.</summary>
    public const string DimensionMismatch = "dimension-mismatch";

    public const string Unavailable = "unavailable";
}

/// <summary>
/// Deletes every point of document <paramref name="DocumentId"/> in <paramref name="Collection"/> of
/// <paramref name="AccountId"/> (none is fine). Answered with <see cref="DocumentChunksDeleted"/> or <see cref="UpsertRejected"/>.
/// </summary>
public sealed record DeleteDocumentChunks(Guid AccountId, string Collection, string DocumentId);

public sealed record DocumentChunksDeleted(Guid AccountId, string Collection, string DocumentId, int Deleted);
