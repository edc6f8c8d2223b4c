namespace Platform.Ingest.Ingestion;

/// <summary>The batch's vectors are stored beside its chunks; <paramref name="Tokens"/> were embedded with <paramref name="Model"/>.</summary>
public sealed record ChunkBatchEmbedded(Guid DocumentId, int Batch, int Chunks, string Model, int Dimensions, int Tokens);
