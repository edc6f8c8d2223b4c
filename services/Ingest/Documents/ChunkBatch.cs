namespace Platform.Ingest.Documents;

/// <summary>
/// Chunks <c>[First, First + Chunks.Count)</c> of a document, with what the ingestion workers need
/// to embed and upsert them: the owner, the target collection and the document's tags.
/// </summary>
public sealed record ChunkBatch(Guid AccountId, string Collection, IReadOnlyList<string> Tags, IReadOnlyList<BatchChunk> Chunks);

/// <summary>One chunk of a batch; <see cref="Vector"/> is null until the embed step stored it.</summary>
public sealed record BatchChunk(int Index, string Text, float[]? Vector);
