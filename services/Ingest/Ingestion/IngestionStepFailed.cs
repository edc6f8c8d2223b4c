namespace Platform.Ingest.Ingestion;

/// <summary>A worker could not do its step (<c>embed</c>, <c>upsert</c> or <c>meter</c>) for batch <paramref name="Batch"/>; <paramref name="Reason"/> is for people.</summary>
public sealed record IngestionStepFailed(Guid DocumentId, string Step, int Batch, string Reason);
