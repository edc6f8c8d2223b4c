namespace Platform.Ingest.Documents;

/// <summary>Where a document is in ingestion. Chunked is the last state until embedding and indexing arrive.</summary>
public enum DocumentState
{
    Chunked,
}
