using MassTransit;
using Platform.Contracts.Retrieval;
using Platform.Retrieval.Index;

namespace Platform.Retrieval.Messaging;

/// <summary>
/// UpsertChunks -> ChunksUpserted or UpsertRejected. Writes into the named account only; a repeat
/// replaces the same point ids, so redelivery never duplicates a chunk.
/// </summary>
public sealed class UpsertChunksConsumer(IVectorIndex index, ILogger<UpsertChunksConsumer> logger) : IConsumer<UpsertChunks>
{
    public async Task Consume(ConsumeContext<UpsertChunks> context)
    {
        var message = context.Message;
        var (points, problem) = ChunkMessageChecks.Points(message);
        if (points is null)
        {
            await context.RespondAsync(new UpsertRejected(UpsertRejectionReasons.Invalid, problem!));
            return;
        }

        UpsertResult result;
        try
        {
            result = await index.UpsertAsync(message.AccountId, message.Collection, points, context.CancellationToken);
        }
        catch (VectorIndexUnavailableException e)
        {
            logger.LogWarning(e, "UpsertChunks for document {DocumentId} in collection {Collection} could not be written", message.DocumentId, message.Collection);
            await context.RespondAsync(new UpsertRejected(UpsertRejectionReasons.Unavailable, e.Message));
            return;
        }

        if (result.DimensionMismatch)
        {
            await context.RespondAsync(new UpsertRejected(
                UpsertRejectionReasons.DimensionMismatch,
                $"The vectors have {points[0].Vector.Length} components but collection '{message.Collection}' has dimension {result.Dimension}."));
            return;
        }

        RetrievalTelemetry.PointsUpserted.Add(result.Upserted);
        await context.RespondAsync(new ChunksUpserted(message.AccountId, message.Collection, message.DocumentId, result.Upserted, result.Dimension));
    }
}
