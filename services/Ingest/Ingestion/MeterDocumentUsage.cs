namespace Platform.Ingest.Ingestion;

/// <summary>The saga asks its worker to meter the document's embedding tokens to Billing (transfer id <c>ingest:{DocumentId}</c>).</summary>
public sealed record MeterDocumentUsage(Guid DocumentId, Guid AccountId, string Model, long EmbeddingTokens);
