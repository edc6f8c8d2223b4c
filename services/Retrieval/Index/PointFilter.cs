namespace Platform.Retrieval.Index;

/// <summary>
/// Payload conditions a point must meet to be scored (all of them): the given document, and every
/// one of the given tags. The account is not part of the filter: it is never optional.
/// </summary>
public sealed record PointFilter(string? DocumentId = null, IReadOnlyList<string>? Tags = null)
{
    public static readonly PointFilter None = new();

    public bool Matches(string? documentId, IReadOnlyList<string> tags)
    {
        if (DocumentId is not null && !string.Equals(DocumentId, documentId, StringComparison.Ordinal))
        {
            return false;
        }

        if (Tags is { Count: > 0 })
        {
            foreach (var tag in Tags)
            {
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
