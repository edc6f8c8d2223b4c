using Platform.Retrieval.Index;

namespace Platform.Retrieval.Search;

/// <summary>A validated search: <see cref="Query"/> is the text (BM25 and highlighting), <see cref="Vector"/> optional.</summary>
public sealed record HybridQuery(string Collection, string Query, float[]? Vector, int Limit, SearchMode Mode, PointFilter Filter);

/// <summary>One fused hit. <see cref="VectorScore"/> is the cosine similarity, <see cref="Bm25Score"/> the BM25 score, when that side found it.</summary>
public sealed record HybridHit(
    string Id, double Score, float? VectorScore, float? Bm25Score, string? DocumentId, IReadOnlyList<string> Tags, string? Text, string? Highlighted);

/// <summary>The hits, or why there are none: no such collection, or a query vector of the wrong dimension.</summary>
public sealed record HybridResult(bool CollectionFound, int? ExpectedDimension, int QueryDimension, IReadOnlyList<HybridHit> Hits);
