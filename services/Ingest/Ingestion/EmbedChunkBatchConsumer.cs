using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Ingest;
using Platform.Contracts.Inference;
using Platform.Ingest.Documents;

namespace Platform.Ingest.Ingestion;

/// <summary>
/// Embeds one batch of a document's chunks with Inference (<see cref="Embed"/> request) and keeps
/// the vectors beside the chunks -> <see cref="ChunkBatchEmbedded"/>, or <see cref="IngestionStepFailed"/>
/// (step <c>embed</c>) with Inference's reason. "Overloaded" (Inference's queue is full) is tried
/// again with a growing pause; every other refusal ends the step. A repeat embeds again and
/// overwrites the same vectors.
/// </summary>
public sealed class EmbedChunkBatchConsumer(
    DocumentStore store, IRequestClient<Embed> inference, IOptions<IngestionOptions> options, ILogger<EmbedChunkBatchConsumer> logger)
    : IConsumer<EmbedChunkBatch>
{
    public async Task Consume(ConsumeContext<EmbedChunkBatch> context)
    {
        var message = context.Message;
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var batch = await store.ReadBatchAsync(message.DocumentId, message.First, message.Count, withVectors: false, context.CancellationToken);
        if (batch is null || batch.Chunks.Count == 0)
        {
            await FailAsync(context, "The document was deleted during ingestion.");
            return;
        }

        var texts = batch.Chunks.Select(c => c.Text).ToList();
        for (var attempt = 0; ; attempt++)
        {
            Response<Embedded, InferenceRejected> response;
            try
            {
                response = await inference.GetResponse<Embedded, InferenceRejected>(
                    new Embed(texts, settings.EmbeddingModel), context.CancellationToken, RequestTimeout.After(s: settings.StepTimeoutSeconds));
            }
            catch (RequestTimeoutException)
            {
                await FailAsync(context, $"Inference did not answer the Embed request within {settings.StepTimeoutSeconds} s.");
                return;
            }
            catch (RequestFaultException fault)
            {
                await FailAsync(context, $"Inference failed on the Embed request: {fault.Fault?.Exceptions.FirstOrDefault()?.Message ?? fault.Message}");
                return;
            }

            // GetResponse with two answer types returns Response<T1, T2>: test it with Is, not type patterns.
            if (response.Is(out Response<InferenceRejected>? overloaded) && overloaded.Message.Reason == InferenceRejectionReasons.Overloaded
                && attempt < settings.OverloadRetries)
            {
                logger.LogInformation("Inference is overloaded; batch {Batch} of document {DocumentId} waits and tries again", message.Batch, message.DocumentId);
                await Task.Delay(TimeSpan.FromMilliseconds(100 << Math.Min(attempt, 5)), context.CancellationToken);
                continue;
            }

            if (response.Is(out Response<Embedded>? answer))
            {
                var embedded = answer.Message;
                if (embedded.Vectors.Count != texts.Count)
                {
                    await FailAsync(context, $"Inference answered {embedded.Vectors.Count} vectors for {texts.Count} texts.");
                    return;
                }

                await store.StoreVectorsAsync(
                    message.DocumentId, [.. batch.Chunks.Select((c, i) => (c.Index, embedded.Vectors[i]))], context.CancellationToken);
                IngestTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("step", IngestionSteps.Embed));
                IngestTelemetry.EmbeddingTokens.Add(embedded.PromptTokens);
                if (embedded.TruncatedInputs > 0)
                {
                    // Chunks measured in the model's tokens never are; characters, or another model's vocabulary, can be.
                    IngestTelemetry.TruncatedChunks.Add(embedded.TruncatedInputs);
                    logger.LogWarning(
                        "Inference cut {Truncated} of {Chunks} chunks of batch {Batch} of document {DocumentId} to model {Model}'s window: their ends are not embedded. " +
                        "Check Ingest:Chunking (VocabularyPath, ModelMaxSequenceLength) against the embedding model",
                        embedded.TruncatedInputs, texts.Count, message.Batch, message.DocumentId, embedded.Model);
                }

                await context.Publish(new ChunkBatchEmbedded(
                    message.DocumentId, message.Batch, texts.Count, embedded.Model, embedded.Dimensions, embedded.PromptTokens));
                return;
            }

            await FailAsync(context, response.Is(out Response<InferenceRejected>? rejected)
                ? $"Inference refused to embed the chunks ({rejected.Message.Reason}): {rejected.Message.Detail}"
                : $"Inference answered the Embed request with an unexpected {response.GetType().Name}.");
            return;
        }
    }

    private Task FailAsync(ConsumeContext<EmbedChunkBatch> context, string reason)
    {
        logger.LogWarning("Embedding batch {Batch} of document {DocumentId} failed: {Reason}", context.Message.Batch, context.Message.DocumentId, reason);
        return context.Publish(new IngestionStepFailed(context.Message.DocumentId, IngestionSteps.Embed, context.Message.Batch, reason));
    }
}
