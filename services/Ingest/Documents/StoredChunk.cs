namespace Platform.Ingest.Documents;

/// <summary>A chunk as the API shows it: its position in the document and the headings above it.</summary>
public sealed record StoredChunk(int Index, string Text, int Start, int Length, IReadOnlyList<string> HeadingPath);
