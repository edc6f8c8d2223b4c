namespace Platform.Ingest.Ingestion;

/// <summary>Scheduled whenever a step starts: if it arrives before the step answered, the document fails at that step.</summary>
public sealed record IngestionDeadline(Guid DocumentId);
