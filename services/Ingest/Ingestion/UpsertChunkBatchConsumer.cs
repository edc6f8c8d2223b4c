using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Ingest;
using Platform.Contracts.Retrieval;
using Platform.Ingest.Documents;

namespace Platform.Ingest.Ingestion;

/// <summary>
/// Upserts one embedded batch into Retrieval (<see cref="UpsertChunks"/> for the document owner's
/// account, point ids <c>{documentId}:{index}</c>, the document's tags) -> <see cref="ChunkBatchUpserted"/>,
/// or <see cref="IngestionStepFailed"/> (step <c>upsert</c>) with Retrieval's reason. Point ids are
/// fixed per chunk, so a repeat replaces the same points and never duplicates one.
/// </summary>
public sealed class UpsertChunkBatchConsumer(
    DocumentStore store, IRequestClient<UpsertChunks> retrieval, IOptions<IngestionOptions> options, ILogger<UpsertChunkBatchConsumer> logger)
    : IConsumer<UpsertChunkBatch>
{
    public static string PointId(Guid documentId, int index) => $"{documentId}:{index}";

    public async Task Consume(ConsumeContext<UpsertChunkBatch> context)
    {
        var message = context.Message;
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var batch = await store.ReadBatchAsync(message.DocumentId, message.First, message.Count, withVectors: true, context.CancellationToken);
        if (batch is null || batch.Chunks.Count == 0)
        {
            await FailAsync(context, "The document was deleted during ingestion.");
            return;
        }

        if (batch.Chunks.FirstOrDefault(c => c.Vector is null) is { } unembedded)
        {
            await FailAsync(context, $"Chunk {unembedded.Index} has no stored embedding.");
            return;
        }

        var command = new UpsertChunks(
            batch.AccountId,
            batch.Collection,
            message.DocumentId.ToString(),
            [.. batch.Chunks.Select(c => new ChunkPoint(PointId(message.DocumentId, c.Index), c.Vector!, c.Text, batch.Tags))]);
        Response<ChunksUpserted, UpsertRejected> response;
        try
        {
            response = await retrieval.GetResponse<ChunksUpserted, UpsertRejected>(command, context.CancellationToken, RequestTimeout.After(s: settings.StepTimeoutSeconds));
        }
        catch (RequestTimeoutException)
        {
            await FailAsync(context, $"Retrieval did not answer the UpsertChunks request within {settings.StepTimeoutSeconds} s.");
            return;
        }
        catch (RequestFaultException fault)
        {
            await FailAsync(context, $"Retrieval failed on the UpsertChunks request: {fault.Fault?.Exceptions.FirstOrDefault()?.Message ?? fault.Message}");
            return;
        }

        // GetResponse with two answer types returns Response<T1, T2>: test it with Is, not type patterns.
        if (response.Is(out Response<ChunksUpserted>? upserted))
        {
            IngestTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("step", IngestionSteps.Upsert));
            await context.Publish(new ChunkBatchUpserted(message.DocumentId, message.Batch, upserted.Message.Upserted));
            return;
        }

        await FailAsync(context, response.Is(out Response<UpsertRejected>? rejected)
            ? $"Retrieval refused the chunks ({rejected.Message.Reason}): {rejected.Message.Detail}"
            : $"Retrieval answered the UpsertChunks request with an unexpected {response.GetType().Name}.");
    }

    private Task FailAsync(ConsumeContext<UpsertChunkBatch> context, string reason)
    {
        logger.LogWarning("Upserting batch {Batch} of document {DocumentId} failed: {Reason}", context.Message.Batch, context.Message.DocumentId, reason);
        return context.Publish(new IngestionStepFailed(context.Message.DocumentId, IngestionSteps.Upsert, context.Message.Batch, reason));
    }
}
