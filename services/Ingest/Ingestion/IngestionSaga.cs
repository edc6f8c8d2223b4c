using MassTransit;

namespace Platform.Ingest.Ingestion;

/// <summary>
/// The durable state of one document's IngestionSaga (table saga_ingestion_saga); the document's
/// public status is in the documents table. Batches run one at a time, so <see cref="Batch"/> is
/// the one in flight and a repeated answer for an earlier batch is recognised and ignored.
/// </summary>
public sealed class IngestionSaga : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public Guid AccountId { get; set; }

    public string Collection { get; set; } = "";

    public int ChunksTotal { get; set; }

    /// <summary>Fixed when the saga starts, so a configuration change never moves batch boundaries mid-document.</summary>
    public int BatchSize { get; set; }

    public int Batch { get; set; }

    public int ChunksEmbedded { get; set; }

    public int ChunksIndexed { get; set; }

    public string? Model { get; set; }

    public long EmbeddingTokens { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>Set when the document failed (then <see cref="FailureReason"/> too); the saga then ends.</summary>
    public string? FailedStep { get; set; }

    public string? FailureReason { get; set; }

    public Guid? DeadlineToken { get; set; }

    /// <summary>The first chunk of the batch in flight.</summary>
    public int First() => Batch * BatchSize;

    /// <summary>How many chunks the batch in flight holds.</summary>
    public int Count() => Math.Min(BatchSize, ChunksTotal - First());
}
