namespace Platform.Ingest.Documents;

/// <summary>
/// The pipeline step a document is at (or, when its state is final, the last one it finished).
/// <see cref="Document.ChunksDone"/> counts the chunks through this step.
/// </summary>
public enum IngestionStep
{
    Chunk,
}
