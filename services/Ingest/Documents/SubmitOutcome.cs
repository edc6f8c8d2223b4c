namespace Platform.Ingest.Documents;

/// <summary>What a submission did: stored a new document, found the same one already stored, or hit a key used for other content.</summary>
public enum SubmitOutcome
{
    Created,
    Duplicate,
    IdempotencyConflict,
}
