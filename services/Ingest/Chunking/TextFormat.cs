namespace Platform.Ingest.Chunking;

/// <summary>How the chunker reads a text: as plain prose, or as Markdown with headings that bound sections.</summary>
public enum TextFormat
{
    Plain,
    Markdown,
}
