namespace Platform.Retrieval.Search;

/// <summary>How POST /v1/search ranks: by vector similarity, by BM25 over the text, or both fused (RRF).</summary>
public enum SearchMode
{
    Vector,
    Bm25,
    Hybrid,
}
