namespace Platform.Ingest;

/// <summary>Bound from the <c>Ingest</c> section (environment: <c>Ingest__MaxDocumentChars</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Longest accepted document text, in characters; longer ones get 413.</summary>
    public int MaxDocumentChars { get; set; } = 2_000_000;

    /// <summary>
    /// Request body limit for document submissions, derived so that any text within
    /// <see cref="MaxDocumentChars"/> fits however its JSON is encoded: a client that escapes every
    /// non-ASCII character (Python's default) spends 6 bytes a character. Plus 1 MiB for the rest.
    /// </summary>
    public long MaxRequestBodyBytes => (MaxDocumentChars * 6L) + (1024 * 1024);
}
