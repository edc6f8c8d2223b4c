namespace Platform.Ingest.Documents;

/// <summary>
/// A submitted document and its ingestion status (the text itself is not repeated here).
/// <see cref="ChunksEmbedded"/> and <see cref="ChunksIndexed"/> count chunks through the embed and
/// upsert steps; <see cref="Percent"/> weighs both steps equally.
/// </summary>
public sealed record Document(
    string Id,
    string? Title,
    string ContentType,
    string ContentHash,
    int Chars,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Metadata,
    string Collection,
    DocumentState State,
    IngestionStep Step,
    int ChunksTotal,
    int ChunksEmbedded,
    int ChunksIndexed,
    int Percent,
    long EmbeddingTokens,
    long? Charged,
    IngestionStep? FailedStep,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    public static int PercentOf(DocumentState state, int total, int embedded, int indexed) =>
        state == DocumentState.Indexed ? 100
        : total == 0 ? 0
        : (int)Math.Min(99, (embedded + (long)indexed) * 100 / (2L * total));
}
