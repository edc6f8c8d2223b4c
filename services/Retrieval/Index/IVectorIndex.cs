namespace Platform.Retrieval.Index;

/// <summary>
/// A vector index partitioned by account: every call names the owning account, and no call ever
/// reads or writes another account's points. Backends (exact over the database, embedded HNSW,
/// Qdrant) implement the same contract, so one conformance suite can run on all of them.
/// </summary>
public interface IVectorIndex
{
    /// <summary>
    /// Inserts or replaces points by id. The first upsert into a collection fixes its dimension;
    /// later upserts with another dimension change nothing and report the mismatch.
    /// </summary>
    Task<UpsertResult> UpsertAsync(Guid accountId, string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken);

    /// <summary>Removes one point; false when the account has no such collection or point.</summary>
    Task<bool> DeleteAsync(Guid accountId, string collection, string pointId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every point of the account's collection whose payload names <paramref name="documentId"/>;
    /// the ids removed (empty when there were none, or no such collection). Idempotent.
    /// </summary>
    Task<IReadOnlyList<string>> DeleteDocumentAsync(Guid accountId, string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>The best <see cref="VectorQuery.Limit"/> points by cosine similarity, best first.</summary>
    Task<SearchResult> SearchAsync(Guid accountId, string collection, VectorQuery query, CancellationToken cancellationToken);

    /// <summary>The account's collections, by name.</summary>
    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid accountId, CancellationToken cancellationToken);
}
