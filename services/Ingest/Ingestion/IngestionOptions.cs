namespace Platform.Ingest.Ingestion;

/// <summary>Bound from <c>Ingest:Ingestion</c> (environment: <c>Ingest__Ingestion__BatchSize</c>, ...).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingest:Ingestion";

    /// <summary>Chunks per Embed request and per UpsertChunks command (1..256; the default model batches 64).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Deadline of every step (one batch's embedding, one batch's upsert, metering): a step without
    /// an answer by then fails the document, naming the step. The workers' own requests time out
    /// at the same bound, so a slow dependency is reported by whichever notices first.
    /// </summary>
    public int StepTimeoutSeconds { get; set; } = 60;

    /// <summary>Inference model for the chunks; null: Inference's default embedding model.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Batches one Ingest process embeds or upserts at the same time (per step).</summary>
    public int ConcurrentBatches { get; set; } = 8;

    /// <summary>Times an Embed answered "overloaded" (Inference's queue is full) is tried again, with a growing pause, before the step fails.</summary>
    public int OverloadRetries { get; set; } = 5;

    public TimeSpan StepTimeout => TimeSpan.FromSeconds(StepTimeoutSeconds);

    public string? Problem() =>
        BatchSize is < 1 or > 256 ? "Ingest:Ingestion:BatchSize must be between 1 and 256."
        : StepTimeoutSeconds is < 1 or > 3600 ? "Ingest:Ingestion:StepTimeoutSeconds must be between 1 and 3600."
        : ConcurrentBatches is < 1 or > 256 ? "Ingest:Ingestion:ConcurrentBatches must be between 1 and 256."
        : OverloadRetries is < 0 or > 20 ? "Ingest:Ingestion:OverloadRetries must be between 0 and 20."
        : EmbeddingModel is { } model && string.IsNullOrWhiteSpace(model) ? "Ingest:Ingestion:EmbeddingModel must not be blank when set."
        : null;
}
