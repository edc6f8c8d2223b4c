namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// What the database holds for one collection, in three numbers: point count, the latest and the
/// sum of update times. An index file saved against other numbers is stale (the database moved on
/// while the file was not rewritten, e.g. a crash between commit and flush) and is rebuilt.
/// </summary>
public sealed record CollectionFingerprint(long Count, long LastUpdated, long UpdatedSum);
