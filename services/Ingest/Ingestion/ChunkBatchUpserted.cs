namespace Platform.Ingest.Ingestion;

/// <summary>Retrieval holds the batch's chunks (points <c>{DocumentId}:{index}</c>).</summary>
public sealed record ChunkBatchUpserted(Guid DocumentId, int Batch, int Chunks);
