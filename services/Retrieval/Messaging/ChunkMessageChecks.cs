using Platform.Contracts.Retrieval;
using Platform.Retrieval.Index;
using Platform.Retrieval.Search;

namespace Platform.Retrieval.Messaging;

/// <summary>
/// The checks PUT /v1/collections/{collection}/points makes, for UpsertChunks and
/// DeleteDocumentChunks: the same limits, so a write valid on one way in is valid on the other.
/// </summary>
public static class ChunkMessageChecks
{
    /// <summary>Why the command cannot be applied (field and message, joined for people), or null.</summary>
    public static string? Problem(Guid accountId, string? collection, string? documentId)
    {
        var errors = new List<string>();
        if (accountId == Guid.Empty)
        {
            errors.Add("accountId is required");
        }

        if (!SearchInput.IsCollectionName(collection))
        {
            errors.Add($"collection must be 1 to {VectorLimits.MaxCollectionNameLength} letters, digits, '_', '-' or '.', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(documentId) || documentId.Length > VectorLimits.MaxIdLength)
        {
            errors.Add($"documentId is required and must be at most {VectorLimits.MaxIdLength} characters");
        }

        return errors.Count == 0 ? null : string.Join("; ", errors);
    }

    /// <summary>The points to write, or why the chunks cannot be written.</summary>
    public static (IReadOnlyList<VectorPoint>? Points, string? Problem) Points(UpsertChunks message)
    {
        var errors = new List<string>();
        if (Problem(message.AccountId, message.Collection, message.DocumentId) is { } header)
        {
            errors.Add(header);
        }

        var chunks = message.Chunks;
        if (chunks is null || chunks.Count == 0 || chunks.Count > VectorLimits.MaxPointsPerUpsert)
        {
            errors.Add($"chunks must hold 1 to {VectorLimits.MaxPointsPerUpsert} chunks");
            return (null, string.Join("; ", errors));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var points = new List<VectorPoint>(chunks.Count);
        for (var i = 0; i < chunks.Count && errors.Count < 10; i++)
        {
            var field = $"chunks[{i}]";
            if (chunks[i] is not { } chunk)
            {
                errors.Add($"{field} must be an object");
                continue;
            }

            if (string.IsNullOrWhiteSpace(chunk.Id) || chunk.Id.Length > VectorLimits.MaxIdLength || !ids.Add(chunk.Id))
            {
                errors.Add($"{field}.id must be 1 to {VectorLimits.MaxIdLength} characters and unique in the command");
            }

            if (VectorChecks.Problem(chunk.Vector) is { } vector)
            {
                errors.Add($"{field}.vector {vector}");
            }
            else if (chunk.Vector.Length != chunks[0]?.Vector?.Length)
            {
                errors.Add($"{field}.vector has {chunk.Vector.Length} components but chunks[0] has another number");
            }

            if (chunk.Text is null || chunk.Text.Length > VectorLimits.MaxTextLength)
            {
                errors.Add($"{field}.text is required and must be at most {VectorLimits.MaxTextLength} characters");
            }

            var tags = chunk.Tags ?? [];
            if (tags.Count > VectorLimits.MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > VectorLimits.MaxTagLength))
            {
                errors.Add($"{field}.tags must hold at most {VectorLimits.MaxTags} tags of 1 to {VectorLimits.MaxTagLength} characters");
            }

            points.Add(new VectorPoint(chunk.Id ?? "", chunk.Vector ?? [], chunk.Text, message.DocumentId, [.. tags.Distinct(StringComparer.Ordinal)]));
        }

        return errors.Count == 0 ? (points, null) : (null, string.Join("; ", errors));
    }
}
