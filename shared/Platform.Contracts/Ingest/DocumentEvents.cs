namespace Platform.Contracts.Ingest;

// Ingest's document events. A submitted document is chunked at once, then IngestionSaga embeds its
// chunks in batches (Inference), upserts them into Retrieval under the owner's account and meters
// the embedding tokens (Billing). It ends with exactly one of DocumentIndexed or
// DocumentIngestionFailed, both written through Ingest's transactional outbox in the same
// transaction as the document's final state, so neither is lost nor sent for a state that rolled back.

/// <summary>
/// A document was stored and cut into <paramref name="Chunks"/> chunks (state queued); IngestionSaga
/// takes it from here. Its chunks go to Retrieval collection <paramref name="Collection"/>.
/// </summary>
public sealed record DocumentSubmitted(Guid DocumentId, Guid AccountId, string Collection, int Chunks, DateTimeOffset SubmittedAt);

/// <summary>
/// Every chunk of the document is searchable in Retrieval (points <c>{DocumentId}:{index}</c> of
/// <paramref name="Collection"/>, carrying the document id and tags); <paramref name="EmbeddingTokens"/>
/// of model <paramref name="Model"/> were metered to Billing, costing <paramref name="Charged"/> micro-credits.
/// </summary>
public sealed record DocumentIndexed(
    Guid DocumentId,
    Guid AccountId,
    string Collection,
    int Chunks,
    string Model,
    long EmbeddingTokens,
    long Charged,
    DateTimeOffset IndexedAt);

/// <summary>
/// Ingestion stopped at <paramref name="Step"/> (one of <see cref="IngestionSteps"/>) for
/// <paramref name="Reason"/> (for people). Chunks already upserted were deleted from Retrieval again.
/// </summary>
public sealed record DocumentIngestionFailed(Guid DocumentId, Guid AccountId, string Step, string Reason, DateTimeOffset FailedAt);

/// <summary>The steps of ingestion, as status and failure events name them.</summary>
public static class IngestionSteps
{
    public const string Chunk = "chunk";
    public const string Embed = "embed";
    public const string Upsert = "upsert";
    public const string Meter = "meter";
}

/// <summary>Retrieval collections Ingest writes to.</summary>
public static class IngestCollections
{
    /// <summary>Where a document's chunks go unless its submission names another collection.</summary>
    public const string Default = "documents";
}
