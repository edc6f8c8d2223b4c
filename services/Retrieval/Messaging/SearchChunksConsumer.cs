using MassTransit;
using Platform.Contracts.Retrieval;
using Platform.Retrieval.Index;
using Platform.Retrieval.Search;

namespace Platform.Retrieval.Messaging;

/// <summary>SearchChunks -> ChunksFound or SearchRejected, with the same checks and search as POST /v1/search.</summary>
public sealed class SearchChunksConsumer(HybridSearch search, ILogger<SearchChunksConsumer> logger) : IConsumer<SearchChunks>
{
    public async Task Consume(ConsumeContext<SearchChunks> context)
    {
        var message = context.Message;
        var (query, errors) = SearchInput.Check(message.Collection, message.Query, message.Vector, message.Limit, message.Mode, message.DocumentId, message.Tags);
        if (query is null || message.AccountId == Guid.Empty)
        {
            var detail = string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}").Append(message.AccountId == Guid.Empty ? "accountId is required" : null).OfType<string>());
            await context.RespondAsync(new SearchRejected(SearchRejectionReasons.Invalid, detail));
            return;
        }

        HybridResult result;
        try
        {
            result = await search.SearchAsync(message.AccountId, query, context.CancellationToken);
        }
        catch (Exception e) when (e is QueryEmbeddingUnavailableException or VectorIndexUnavailableException)
        {
            logger.LogWarning(e, "SearchChunks for collection {Collection} could not be answered", message.Collection);
            await context.RespondAsync(new SearchRejected(SearchRejectionReasons.Unavailable, e.Message));
            return;
        }

        if (!result.CollectionFound)
        {
            await context.RespondAsync(new SearchRejected(SearchRejectionReasons.NotFound, $"No collection '{query.Collection}' exists for this account."));
            return;
        }

        if (result.ExpectedDimension is { } expected)
        {
            await context.RespondAsync(new SearchRejected(
                SearchRejectionReasons.Invalid, $"vector has {result.QueryDimension} components but collection '{query.Collection}' has dimension {expected}"));
            return;
        }

        await context.RespondAsync(new ChunksFound(
            query.Collection,
            query.Mode.ToString().ToLowerInvariant(),
            [.. result.Hits.Select(h => new FoundChunk(h.Id, h.Score, h.DocumentId, h.Tags, h.Text, h.Highlighted))]));
    }
}
