using System.Diagnostics;
using Platform.Retrieval.Index;
using Platform.Retrieval.Text;

namespace Platform.Retrieval.Search;

/// <summary>
/// Vector, BM25 and hybrid search over one account's collection. Hybrid runs both with a deeper
/// candidate list and fuses them by Reciprocal Rank Fusion (Cormack et al., 2009): each hit scores
/// sum over the lists of 1 / (60 + rank), so neither side's score scale matters. Without a query
/// vector, vector and hybrid modes embed the query text with the <see cref="IQueryEmbedder"/>.
/// </summary>
public sealed class HybridSearch(TextIndexingVectorIndex index, IQueryEmbedder? embedder = null)
{
    public const int RrfK = 60;
    private const int MinCandidates = 50;
    private const int MaxCandidates = 200;

    public bool CanEmbed => embedder is not null;

    public async Task<HybridResult> SearchAsync(Guid accountId, HybridQuery query, CancellationToken cancellationToken)
    {
        using var activity = RetrievalTelemetry.Source.StartActivity("retrieval.search");
        activity?.SetTag("retrieval.mode", query.Mode.ToString().ToLowerInvariant());
        var started = Stopwatch.GetTimestamp();
        var terms = TextTokenizer.Terms(query.Query).ToHashSet(StringComparer.Ordinal);
        var candidates = query.Mode == SearchMode.Hybrid ? Math.Clamp(query.Limit * 4, MinCandidates, MaxCandidates) : query.Limit;

        IReadOnlyList<ScoredPoint>? vectorHits = null;
        IReadOnlyList<ScoredPoint>? textHits = null;
        var queryDimension = 0;
        if (query.Mode != SearchMode.Bm25)
        {
            var vector = query.Vector ?? await EmbedAsync(query.Query, cancellationToken);
            queryDimension = vector.Length;
            var result = await index.SearchAsync(accountId, query.Collection, new VectorQuery(vector, candidates, query.Filter), cancellationToken);
            if (!result.CollectionFound || result.ExpectedDimension is not null)
            {
                return new HybridResult(result.CollectionFound, result.ExpectedDimension, queryDimension, []);
            }

            vectorHits = result.Points;
        }

        if (query.Mode != SearchMode.Vector)
        {
            textHits = await index.SearchTextAsync(accountId, query.Collection, query.Query, candidates, query.Filter, cancellationToken);
            if (textHits is null)
            {
                return new HybridResult(false, null, queryDimension, []);
            }
        }

        var hits = query.Mode switch
        {
            SearchMode.Vector => [.. vectorHits!.Select(h => Hit(h, h.Score, h.Score, null, terms))],
            SearchMode.Bm25 => [.. textHits!.Select(h => Hit(h, h.Score, null, h.Score, terms))],
            _ => Fuse(vectorHits!, textHits!, query.Limit, terms),
        };
        RetrievalTelemetry.HybridSearchDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("mode", query.Mode.ToString().ToLowerInvariant()));
        return new HybridResult(true, null, queryDimension, hits);
    }

    private static List<HybridHit> Fuse(IReadOnlyList<ScoredPoint> vectorHits, IReadOnlyList<ScoredPoint> textHits, int limit, IReadOnlySet<string> terms)
    {
        var fused = new Dictionary<string, (double Score, ScoredPoint Point, float? Vector, float? Text)>(StringComparer.Ordinal);
        for (var rank = 0; rank < vectorHits.Count; rank++)
        {
            var hit = vectorHits[rank];
            fused[hit.Id] = (1.0 / (RrfK + rank + 1), hit, hit.Score, null);
        }

        for (var rank = 0; rank < textHits.Count; rank++)
        {
            var hit = textHits[rank];
            var contribution = 1.0 / (RrfK + rank + 1);
            fused[hit.Id] = fused.TryGetValue(hit.Id, out var seen)
                ? (seen.Score + contribution, seen.Point, seen.Vector, hit.Score)
                : (contribution, hit, null, hit.Score);
        }

        return [.. fused.Values
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Point.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(f => Hit(f.Point, f.Score, f.Vector, f.Text, terms))];
    }

    private static HybridHit Hit(ScoredPoint point, double score, float? vectorScore, float? bm25Score, IReadOnlySet<string> terms) =>
        new(point.Id, score, vectorScore, bm25Score, point.DocumentId, point.Tags, point.Text, Highlighter.Highlight(point.Text, terms));

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        embedder is null
            ? throw new QueryEmbeddingUnavailableException("No query embedder is configured: send 'vector' with the query, or use mode 'bm25'.")
            : await embedder.EmbedAsync(text, cancellationToken);
}
