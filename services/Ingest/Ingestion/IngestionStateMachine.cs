using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Ingest;
using Platform.Contracts.Retrieval;
using Platform.Ingest.Documents;
using Platform.Messaging.Outbox;

namespace Platform.Ingest.Ingestion;

/// <summary>
/// IngestionSaga: DocumentSubmitted -> for each batch of chunks { embed (Inference, via
/// <see cref="EmbedChunkBatchConsumer"/>) -> upsert (Retrieval, via <see cref="UpsertChunkBatchConsumer"/>) }
/// -> meter the embedding tokens (Billing, via <see cref="MeterDocumentUsageConsumer"/>) ->
/// DocumentIndexed; a refused step or a missed step deadline -> DocumentIngestionFailed naming the
/// step, and the document's points are deleted from Retrieval again. Every command to a worker and
/// every event leaves through Ingest's transactional outbox in the saga's own transaction, so a
/// crash never loses one (and a repeat is recognised by its batch number).
/// </summary>
public sealed class IngestionStateMachine : MassTransitStateMachine<IngestionSaga>
{
    public IngestionStateMachine(IOptions<IngestionOptions> options)
    {
        var settings = options.Value;
        var timeout = settings.StepTimeoutSeconds;
        InstanceState(x => x.CurrentState);

        Event(() => Submitted, e => e.CorrelateById(c => c.Message.DocumentId));
        Event(() => Embedded, e => ByDocument(e, c => c.Message.DocumentId));
        Event(() => Upserted, e => ByDocument(e, c => c.Message.DocumentId));
        Event(() => Metered, e => ByDocument(e, c => c.Message.DocumentId));
        Event(() => StepFailed, e => ByDocument(e, c => c.Message.DocumentId));
        Schedule(() => Deadline, x => x.DeadlineToken, s =>
        {
            s.Delay = settings.StepTimeout;
            s.Received = e => e.CorrelateById(c => c.Message.DocumentId);
        });

        // Repeats (outbox and broker deliver at least once) and late answers change nothing.
        OnUnhandledEvent(c => c.Ignore());

        // A repeated DocumentSubmitted after the saga ended finds the document no longer queued and ends at once.
        Initially(
            When(Submitted)
                .ThenAsync(async c =>
                {
                    c.Saga.AccountId = c.Message.AccountId;
                    c.Saga.Collection = c.Message.Collection;
                    c.Saga.ChunksTotal = c.Message.Chunks;
                    c.Saga.BatchSize = settings.BatchSize;
                    c.Saga.SubmittedAt = c.Message.SubmittedAt;
                    if (!await Store(c).BeginAsync(c.Saga.CorrelationId, c.CancellationToken))
                    {
                        // Deleted before ingestion began, or a repeat after it ended: nothing to do or report.
                        c.Saga.FailedStep = IngestionSteps.Chunk;
                        return;
                    }

                    await Outbox(c).PublishAsync(new EmbedChunkBatch(c.Saga.CorrelationId, 0, 0, c.Saga.Count()), c.CancellationToken);
                })
                .IfElse(c => c.Saga.FailedStep is null,
                    start => start.Schedule(Deadline, c => new IngestionDeadline(c.Saga.CorrelationId)).TransitionTo(Embedding),
                    gone => gone.Finalize()));

        During(Embedding,
            When(Embedded, c => c.Message.Batch == c.Saga.Batch)
                .ThenAsync(async c =>
                {
                    c.Saga.ChunksEmbedded += c.Message.Chunks;
                    c.Saga.EmbeddingTokens += c.Message.Tokens;
                    c.Saga.Model ??= c.Message.Model;
                    if (await ProgressAsync(c, IngestionStep.Upsert))
                    {
                        await Outbox(c).PublishAsync(new UpsertChunkBatch(c.Saga.CorrelationId, c.Saga.Batch, c.Saga.First(), c.Saga.Count()), c.CancellationToken);
                    }
                })
                .IfElse(c => c.Saga.FailedStep is null,
                    next => next.Schedule(Deadline, c => new IngestionDeadline(c.Saga.CorrelationId)).TransitionTo(Upserting),
                    failed => failed.Unschedule(Deadline).Finalize()),
            When(StepFailed, c => c.Message.Batch == c.Saga.Batch)
                .ThenAsync(c => FailAsync(c, c.Message.Step, c.Message.Reason))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, IngestionSteps.Embed,
                    $"Inference did not embed chunks {c.Saga.First()}..{c.Saga.First() + c.Saga.Count() - 1} (batch {c.Saga.Batch}) within {timeout} s."))
                .Finalize());

        During(Upserting,
            When(Upserted, c => c.Message.Batch == c.Saga.Batch)
                .ThenAsync(async c =>
                {
                    c.Saga.ChunksIndexed += c.Message.Chunks;
                    c.Saga.Batch++;
                    var done = c.Saga.ChunksIndexed >= c.Saga.ChunksTotal;
                    if (!await ProgressAsync(c, done ? IngestionStep.Meter : IngestionStep.Embed))
                    {
                        return;
                    }

                    await Outbox(c).PublishAsync<object>(
                        done
                            ? new MeterDocumentUsage(c.Saga.CorrelationId, c.Saga.AccountId, c.Saga.Model ?? "", c.Saga.EmbeddingTokens)
                            : new EmbedChunkBatch(c.Saga.CorrelationId, c.Saga.Batch, c.Saga.First(), c.Saga.Count()),
                        c.CancellationToken);
                })
                .IfElse(c => c.Saga.FailedStep is not null,
                    failed => failed.Unschedule(Deadline).Finalize(),
                    next => next
                        .Schedule(Deadline, c => new IngestionDeadline(c.Saga.CorrelationId))
                        .IfElse(c => c.Saga.ChunksIndexed >= c.Saga.ChunksTotal,
                            meter => meter.TransitionTo(Metering),
                            embed => embed.TransitionTo(Embedding))),
            When(StepFailed, c => c.Message.Batch == c.Saga.Batch)
                .ThenAsync(c => FailAsync(c, c.Message.Step, c.Message.Reason))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, IngestionSteps.Upsert,
                    $"Retrieval did not store chunks {c.Saga.First()}..{c.Saga.First() + c.Saga.Count() - 1} (batch {c.Saga.Batch}) within {timeout} s."))
                .Finalize());

        During(Metering,
            When(Metered)
                .ThenAsync(async c =>
                {
                    if (!await Store(c).CompleteAsync(c.Saga.CorrelationId, c.Message.Charged, c.CancellationToken))
                    {
                        await FailAsync(c, IngestionSteps.Meter, "The document was deleted during ingestion.");
                        return;
                    }

                    await Outbox(c).PublishAsync(new DocumentIndexed(
                        c.Saga.CorrelationId, c.Saga.AccountId, c.Saga.Collection, c.Saga.ChunksTotal, c.Saga.Model ?? "",
                        c.Saga.EmbeddingTokens, c.Message.Charged, DateTimeOffset.UtcNow), c.CancellationToken);
                    Finished(c.Saga, DocumentState.Indexed);
                })
                .Unschedule(Deadline)
                .Finalize(),
            When(StepFailed)
                .ThenAsync(c => FailAsync(c, c.Message.Step, c.Message.Reason))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, IngestionSteps.Meter, $"Billing did not record the usage within {timeout} s."))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Embedding { get; private set; } = null!;

    public State Upserting { get; private set; } = null!;

    public State Metering { get; private set; } = null!;

    public Event<DocumentSubmitted> Submitted { get; private set; } = null!;

    public Event<ChunkBatchEmbedded> Embedded { get; private set; } = null!;

    public Event<ChunkBatchUpserted> Upserted { get; private set; } = null!;

    public Event<DocumentUsageMetered> Metered { get; private set; } = null!;

    public Event<IngestionStepFailed> StepFailed { get; private set; } = null!;

    public Schedule<IngestionSaga, IngestionDeadline> Deadline { get; private set; } = null!;

    private static void ByDocument<T>(IEventCorrelationConfigurator<IngestionSaga, T> e, Func<ConsumeContext<T>, Guid> documentId)
        where T : class
    {
        e.CorrelateById(documentId);
        e.OnMissingInstance(m => m.Discard());
    }

    private static DocumentStore Store<T>(BehaviorContext<IngestionSaga, T> c)
        where T : class => c.GetServiceOrCreateInstance<DocumentStore>();

    private static TransactionalOutbox Outbox<T>(BehaviorContext<IngestionSaga, T> c)
        where T : class => c.GetServiceOrCreateInstance<TransactionalOutbox>();

    /// <summary>Records the counts; when the document is gone (deleted meanwhile) fails the saga instead and returns false.</summary>
    private static async Task<bool> ProgressAsync<T>(BehaviorContext<IngestionSaga, T> c, IngestionStep step)
        where T : class
    {
        var saga = c.Saga;
        if (await Store(c).ProgressAsync(saga.CorrelationId, step, saga.ChunksEmbedded, saga.ChunksIndexed, saga.EmbeddingTokens, c.CancellationToken))
        {
            return true;
        }

        await FailAsync(c, DocumentStore.Name(step), "The document was deleted during ingestion.");
        return false;
    }

    /// <summary>
    /// Ends the document as failed, with DocumentIngestionFailed and a DeleteDocumentChunks (so no
    /// batch upserted before the failure stays searchable), all in the saga's transaction.
    /// </summary>
    private static async Task FailAsync<T>(BehaviorContext<IngestionSaga, T> c, string step, string reason)
        where T : class
    {
        var saga = c.Saga;
        saga.FailedStep = step;
        saga.FailureReason = reason;
        var parsed = Enum.TryParse<IngestionStep>(step, ignoreCase: true, out var known) ? known : IngestionStep.Embed;
        await Store(c).FailAsync(saga.CorrelationId, parsed, reason, c.CancellationToken);
        var outbox = Outbox(c);
        await outbox.PublishAsync(new DocumentIngestionFailed(saga.CorrelationId, saga.AccountId, step, reason, DateTimeOffset.UtcNow), c.CancellationToken);
        await outbox.PublishAsync(new DeleteDocumentChunks(saga.AccountId, saga.Collection, saga.CorrelationId.ToString()), c.CancellationToken);
        IngestTelemetry.DocumentsFailed.Add(1, new KeyValuePair<string, object?>("step", step));
        Finished(saga, DocumentState.Failed);
    }

    private static void Finished(IngestionSaga saga, DocumentState state)
    {
        var name = DocumentStore.Name(state);
        IngestTelemetry.DocumentsFinished.Add(1, new KeyValuePair<string, object?>("state", name));
        IngestTelemetry.TimeToFinished.Record((DateTimeOffset.UtcNow - saga.SubmittedAt).TotalSeconds, new KeyValuePair<string, object?>("state", name));
    }
}
