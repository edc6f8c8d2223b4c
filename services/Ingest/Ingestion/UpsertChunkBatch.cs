namespace Platform.Ingest.Ingestion;

/// <summary>The saga asks its worker to upsert the embedded chunks [First, First + Count) into Retrieval.</summary>
public sealed record UpsertChunkBatch(Guid DocumentId, int Batch, int First, int Count);
