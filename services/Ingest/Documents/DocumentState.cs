namespace Platform.Ingest.Documents;

/// <summary>Where a document is in ingestion. Indexed and Failed are final.</summary>
public enum DocumentState
{
    /// <summary>Stored and chunked; IngestionSaga has not picked it up yet.</summary>
    Queued,

    /// <summary>Batches of chunks are being embedded and upserted, or usage metered.</summary>
    Indexing,

    /// <summary>Every chunk is searchable in Retrieval and the usage is metered.</summary>
    Indexed,

    /// <summary>A step failed or missed its deadline; <see cref="Document.FailedStep"/> and <see cref="Document.LastError"/> say which and why.</summary>
    Failed,
}
