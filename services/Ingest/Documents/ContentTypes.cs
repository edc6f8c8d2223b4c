using Platform.Ingest.Chunking;

namespace Platform.Ingest.Documents;

/// <summary>The media types Ingest reads, and how the chunker treats each.</summary>
public static class ContentTypes
{
    public const string PlainText = "text/plain";
    public const string Markdown = "text/markdown";
    public const string Html = "text/html";
    public const string Json = "application/json";

    public static IReadOnlyList<string> Supported { get; } = [PlainText, Markdown, Html, Json];

    /// <summary>The canonical type for <paramref name="value"/> (parameters such as charset dropped), or null when unsupported.</summary>
    public static string? Normalize(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.Split(';', 2)[0].Trim().ToLowerInvariant();
        return Supported.Contains(type) ? type : null;
    }

    /// <summary>How the chunker reads the stored text: HTML is stored as the Markdown its extraction writes (headings kept).</summary>
    public static TextFormat FormatOf(string contentType) =>
        contentType is Markdown or Html ? TextFormat.Markdown : TextFormat.Plain;
}
