namespace Platform.Retrieval;

/// <summary>Which <see cref="Index.IVectorIndex"/> answers searches (<c>Retrieval:Backend</c>).</summary>
public enum RetrievalBackend
{
    /// <summary>Brute force over the database rows: exact, slow on large collections.</summary>
    Exact,

    /// <summary>The embedded HNSW graph, persisted under <c>Storage:DataDirectory/retrieval</c> (standalone default).</summary>
    Hnsw,

    /// <summary>Qdrant over its REST API at <c>Retrieval:Qdrant:Url</c>.</summary>
    Qdrant,
}
