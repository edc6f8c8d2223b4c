namespace Platform.Ingest.Documents;

/// <summary>
/// The pipeline step a document is at (or, when its state is final, the last one it reached).
/// Names match <see cref="Platform.Contracts.Ingest.IngestionSteps"/>.
/// </summary>
public enum IngestionStep
{
    Chunk,
    Embed,
    Upsert,
    Meter,
}
