namespace Platform.Ingest.Documents;

/// <summary>A submitted document and its ingestion status (the text itself is not repeated here).</summary>
public sealed record Document(
    string Id,
    string? Title,
    string ContentType,
    string ContentHash,
    int Chars,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Metadata,
    DocumentState State,
    IngestionStep Step,
    int ChunksTotal,
    int ChunksDone,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
