namespace Platform.Ingest.Chunking;

/// <summary>A stretch of a document that chunks never cross: [Start, End) under one heading path.</summary>
public sealed record Section(int Start, int End, IReadOnlyList<string> HeadingPath);
