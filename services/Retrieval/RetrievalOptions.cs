namespace Platform.Retrieval;

/// <summary>Bound from the <c>Retrieval</c> section (environment: <c>Retrieval__MaxUpsertBodyBytes</c>).</summary>
public sealed class RetrievalOptions
{
    public const string SectionName = "Retrieval";

    /// <summary>
    /// Largest upsert body. A full batch (1,000 points of 4,096 components, ~12 bytes each as JSON
    /// text) is ~50 MB, far above the 1 MiB default for other endpoints; the default here admits
    /// 1,000 points of 1,024 components with their text, which covers the embedding models in use.
    /// </summary>
    public long MaxUpsertBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// <c>exact</c>, <c>hnsw</c> or <c>qdrant</c>. Unset: <c>qdrant</c> when
    /// <c>Retrieval:Qdrant:Url</c> is set, else <c>hnsw</c>.
    /// </summary>
    public RetrievalBackend? Backend { get; set; }
}
