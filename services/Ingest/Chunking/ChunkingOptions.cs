namespace Platform.Ingest.Chunking;

/// <summary>Bound from <c>Ingest:Chunking</c> (environment: <c>Ingest__Chunking__MaxChunkChars</c>, ...).</summary>
public sealed class ChunkingOptions
{
    public const string SectionName = "Ingest:Chunking";

    /// <summary>Longest chunk, in UTF-16 characters (what .NET strings count).</summary>
    public int MaxChunkChars { get; set; } = 1200;

    /// <summary>
    /// Characters a chunk repeats from the end of the previous one in the same section, so a passage
    /// cut in two is still whole in one of them. At most this many: overlaps start on a word.
    /// </summary>
    public int OverlapChars { get; set; } = 200;

    /// <summary>Why these options cannot chunk, or null when they can.</summary>
    public string? Problem()
    {
        // Retrieval stores at most 32,768 characters of text per point.
        if (MaxChunkChars is < 50 or > 32_768)
        {
            return "Ingest:Chunking:MaxChunkChars must be between 50 and 32768.";
        }

        // The splitter cuts no earlier than half a chunk in; an overlap below that keeps every step moving forward.
        if (OverlapChars < 0 || OverlapChars >= MaxChunkChars / 2)
        {
            return "Ingest:Chunking:OverlapChars must be at least 0 and less than half of MaxChunkChars.";
        }

        return null;
    }
}
