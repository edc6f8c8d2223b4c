using MassTransit;
using Platform.Contracts.Retrieval;
using Platform.Retrieval.Index;

namespace Platform.Retrieval.Messaging;

/// <summary>
/// DeleteDocumentChunks -> DocumentChunksDeleted or UpsertRejected: removes the document's points
/// from the named account's collection (none is fine, so a repeat is harmless). An unavailable
/// index throws, so the bus retries and, failing that, keeps the command in the error queue rather
/// than dropping a delete.
/// </summary>
public sealed class DeleteDocumentChunksConsumer(IVectorIndex index, ILogger<DeleteDocumentChunksConsumer> logger) : IConsumer<DeleteDocumentChunks>
{
    public async Task Consume(ConsumeContext<DeleteDocumentChunks> context)
    {
        var message = context.Message;
        if (ChunkMessageChecks.Problem(message.AccountId, message.Collection, message.DocumentId) is { } problem)
        {
            await context.RespondAsync(new UpsertRejected(UpsertRejectionReasons.Invalid, problem));
            return;
        }

        var deleted = await index.DeleteDocumentAsync(message.AccountId, message.Collection, message.DocumentId, context.CancellationToken);
        RetrievalTelemetry.PointsDeleted.Add(deleted.Count);
        logger.LogInformation(
            "Deleted {Points} points of document {DocumentId} from collection {Collection} of account {AccountId}",
            deleted.Count, message.DocumentId, message.Collection, message.AccountId);
        await context.RespondAsync(new DocumentChunksDeleted(message.AccountId, message.Collection, message.DocumentId, deleted.Count));
    }
}
