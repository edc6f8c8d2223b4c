namespace Platform.Ingest.Ingestion;

/// <summary>The saga asks its worker to embed chunks [First, First + Count) of the document (batch number <paramref name="Batch"/>).</summary>
public sealed record EmbedChunkBatch(Guid DocumentId, int Batch, int First, int Count);
