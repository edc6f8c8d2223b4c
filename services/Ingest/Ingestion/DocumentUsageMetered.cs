namespace Platform.Ingest.Ingestion;

/// <summary>Billing recorded and charged the document's usage: <paramref name="Charged"/> micro-credits.</summary>
public sealed record DocumentUsageMetered(Guid DocumentId, long Charged);
