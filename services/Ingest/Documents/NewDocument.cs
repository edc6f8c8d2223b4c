namespace Platform.Ingest.Documents;

/// <summary>A validated submission, ready to store.</summary>
public sealed record NewDocument(
    string Text,
    string? Title,
    string ContentType,
    string ContentHash,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Metadata,
    string Collection,
    string? IdempotencyKey);
