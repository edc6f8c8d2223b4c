using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Retrieval.Storage;

namespace Platform.Retrieval.Index.Qdrant;

/// <summary>
/// The distributed backend: points are written to the database first (the source of truth, via
/// <see cref="ExactVectorIndex"/>: dimensions, existence, listing), then to Qdrant, which answers
/// searches. Every Qdrant point carries <c>account_id</c> and <c>collection</c>, and every search
/// and delete sends them as <c>must</c> conditions, so tenant isolation never depends on the
/// caller's filter. Point ids are UUIDs derived from (account, collection, id), so the same point
/// always maps to the same Qdrant point and a retried upsert replaces rather than duplicates.
/// If Qdrant fails after the database commit, the call fails with 503 and the retry heals it.
/// </summary>
public sealed class QdrantVectorIndex(ExactVectorIndex store, QdrantClient qdrant, QdrantOptions options) : IVectorIndex
{
    public async Task<UpsertResult> UpsertAsync(Guid accountId, string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken)
    {
        var result = await store.UpsertAsync(accountId, collection, points, cancellationToken);
        if (result.DimensionMismatch)
        {
            return result;
        }

        var target = CollectionFor(result.Dimension);
        await qdrant.EnsureCollectionAsync(target, result.Dimension, cancellationToken);
        var account = accountId.ToString();
        await qdrant.UpsertAsync(
            target,
            points.Select(p => new JsonObject
            {
                ["id"] = PointUuid(accountId, collection, p.Id),
                ["vector"] = new JsonArray([.. p.Vector.Select(c => (JsonNode)c)]),
                ["payload"] = new JsonObject
                {
                    ["account_id"] = account,
                    ["collection"] = collection,
                    ["point_id"] = p.Id,
                    ["text"] = p.Text,
                    ["document_id"] = p.DocumentId,
                    ["tags"] = new JsonArray([.. (p.Tags ?? []).Select(t => (JsonNode)t)]),
                },
            }),
            cancellationToken);
        return result;
    }

    public async Task<bool> DeleteAsync(Guid accountId, string collection, string pointId, CancellationToken cancellationToken)
    {
        var dimension = await store.DimensionAsync(accountId, collection, cancellationToken);
        if (dimension is null || !await store.DeleteAsync(accountId, collection, pointId, cancellationToken))
        {
            return false;
        }

        await qdrant.EnsureCollectionAsync(CollectionFor(dimension.Value), dimension.Value, cancellationToken);
        await qdrant.DeleteAsync(CollectionFor(dimension.Value), [PointUuid(accountId, collection, pointId)], cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<string>> DeleteDocumentAsync(
        Guid accountId, string collection, string documentId, CancellationToken cancellationToken)
    {
        var dimension = await store.DimensionAsync(accountId, collection, cancellationToken);
        if (dimension is null)
        {
            return [];
        }

        var deleted = await store.DeleteDocumentAsync(accountId, collection, documentId, cancellationToken);
        // By filter, not by the ids just deleted: a retry after a Qdrant failure finds no rows left
        // in the database but must still remove the points Qdrant kept.
        var target = CollectionFor(dimension.Value);
        await qdrant.EnsureCollectionAsync(target, dimension.Value, cancellationToken);
        await qdrant.DeleteByFilterAsync(
            target,
            new JsonObject { ["must"] = new JsonArray(Match("account_id", accountId.ToString()), Match("collection", collection), Match("document_id", documentId)) },
            cancellationToken);
        return deleted;
    }

    public async Task<SearchResult> SearchAsync(Guid accountId, string collection, VectorQuery query, CancellationToken cancellationToken)
    {
        var dimension = await store.DimensionAsync(accountId, collection, cancellationToken);
        if (dimension is null)
        {
            return SearchResult.NoCollection;
        }

        if (dimension != query.Vector.Length)
        {
            return SearchResult.WrongDimension(dimension.Value);
        }

        var must = new JsonArray(Match("account_id", accountId.ToString()), Match("collection", collection));
        if (query.Filter.DocumentId is { } documentId)
        {
            must.Add(Match("document_id", documentId));
        }

        foreach (var tag in query.Filter.Tags ?? [])
        {
            // One condition per tag: a point must carry all of them (a keyword match on an array
            // field holds when any element equals the value).
            must.Add(Match("tags", tag));
        }

        var target = CollectionFor(dimension.Value);
        await qdrant.EnsureCollectionAsync(target, dimension.Value, cancellationToken);
        var hits = await qdrant.SearchAsync(target, query.Vector, query.Limit, new JsonObject { ["must"] = must }, cancellationToken);
        var points = new List<ScoredPoint>(hits.Count);
        foreach (var hit in hits)
        {
            var payload = hit?["payload"] as JsonObject;
            // Checked again here: a hit outside the account would be a Qdrant or mapping bug, and
            // is dropped rather than shown to another tenant.
            if (payload?["account_id"]?.GetValue<string>() != accountId.ToString() || payload["collection"]?.GetValue<string>() != collection)
            {
                continue;
            }

            points.Add(new ScoredPoint(
                payload["point_id"]?.GetValue<string>() ?? "",
                hit!["score"]?.GetValue<float>() ?? 0,
                payload["text"]?.GetValue<string>(),
                payload["document_id"]?.GetValue<string>(),
                [.. (payload["tags"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? "")]));
        }

        return SearchResult.Found(points, points.Count);
    }

    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.ListCollectionsAsync(accountId, cancellationToken);

    public string CollectionFor(int dimension) => $"{options.CollectionPrefix}d{dimension}";

    /// <summary>A UUID from SHA-256 of the point's full name (Qdrant ids are integers or UUIDs).</summary>
    public static string PointUuid(Guid accountId, string collection, string pointId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId:N}\n{collection}\n{pointId}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static JsonObject Match(string key, string value) =>
        new() { ["key"] = key, ["match"] = new JsonObject { ["value"] = value } };
}
