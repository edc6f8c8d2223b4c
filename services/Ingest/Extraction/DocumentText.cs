using Platform.Ingest.Documents;

namespace Platform.Ingest.Extraction;

/// <summary>The text Ingest stores, chunks and indexes for a submission of each content type.</summary>
public static class DocumentText
{
    /// <summary>The readable text of <paramref name="submitted"/>, or why there is none (for <c>errors.text</c>).</summary>
    public static (string? Text, string? Error) Extract(string submitted, string contentType)
    {
        var (text, error) = contentType switch
        {
            ContentTypes.Html => (HtmlText.Extract(submitted), null),
            ContentTypes.Json => JsonText.Extract(submitted),
            _ => (submitted, null),
        };

        return error is not null ? (null, error)
            : string.IsNullOrWhiteSpace(text) ? (null, $"has no readable text once read as {contentType}")
            : (text, null);
    }
}
