namespace Platform.Ingest.Chunking;

/// <summary>
/// One piece of a document: its text (exactly <c>document.Substring(Start, Length)</c>) and the
/// Markdown headings it sits under, outermost first (empty for plain text or text before any heading).
/// </summary>
public sealed record Chunk(int Index, string Text, int Start, int Length, IReadOnlyList<string> HeadingPath);
