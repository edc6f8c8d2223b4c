using System.Text.RegularExpressions;
using Platform.Retrieval.Index;
using Platform.Retrieval.Text;

namespace Platform.Retrieval.Search;

/// <summary>
/// Checks a search as it arrives (HTTP body or SearchChunks message) and builds the
/// <see cref="HybridQuery"/>; the same rules and field names on both ways in.
/// </summary>
public static partial class SearchInput
{
    public const int DefaultLimit = 10;
    public const int MaxQueryLength = 4_096;

    public static (HybridQuery? Query, List<(string Field, string Message)> Errors) Check(
        string? collection, string? query, float[]? vector, int? limit, string? mode, string? documentId, IReadOnlyList<string>? tags)
    {
        var errors = new List<(string, string)>();
        if (collection is null || !CollectionName().IsMatch(collection))
        {
            errors.Add(("collection", $"is required: 1 to {VectorLimits.MaxCollectionNameLength} letters, digits, '_', '-' or '.', starting with a letter or digit"));
        }

        // Names only: Enum.TryParse would also take numbers and comma-joined lists.
        SearchMode? parsed = mode is null
            ? SearchMode.Hybrid
            : Enum.GetValues<SearchMode>().Where(m => string.Equals(m.ToString(), mode, StringComparison.OrdinalIgnoreCase)).Cast<SearchMode?>().FirstOrDefault();
        if (parsed is null)
        {
            errors.Add(("mode", "must be 'vector', 'bm25' or 'hybrid'"));
        }

        if (string.IsNullOrWhiteSpace(query) || query.Length > MaxQueryLength)
        {
            errors.Add(("query", $"is required: 1 to {MaxQueryLength} characters, not blank"));
        }
        else if (parsed != SearchMode.Vector && !TextTokenizer.Terms(query).Any())
        {
            errors.Add(("query", "has no letters or digits to match"));
        }

        if (vector is not null && VectorChecks.Problem(vector) is { } vectorProblem)
        {
            errors.Add(("vector", vectorProblem));
        }

        var take = limit ?? DefaultLimit;
        if (take is < 1 or > VectorLimits.MaxSearchLimit)
        {
            errors.Add(("limit", $"must be between 1 and {VectorLimits.MaxSearchLimit}"));
        }

        if (documentId is not null && (documentId.Length > VectorLimits.MaxIdLength || string.IsNullOrWhiteSpace(documentId)))
        {
            errors.Add(("filter.documentId", $"must be 1 to {VectorLimits.MaxIdLength} characters when given"));
        }

        if (tags is { Count: > VectorLimits.MaxTags })
        {
            errors.Add(("filter.tags", $"must hold at most {VectorLimits.MaxTags} tags"));
        }
        else
        {
            for (var i = 0; i < (tags?.Count ?? 0); i++)
            {
                if (string.IsNullOrWhiteSpace(tags![i]) || tags[i].Length > VectorLimits.MaxTagLength)
                {
                    errors.Add(($"filter.tags[{i}]", $"must be 1 to {VectorLimits.MaxTagLength} characters, not blank"));
                }
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new HybridQuery(collection!, query!, vector, take, parsed!.Value, new PointFilter(documentId, tags?.Distinct(StringComparer.Ordinal).ToList())), errors);
    }

    /// <summary>Whether <paramref name="collection"/> is a valid collection name (the rule every way in shares).</summary>
    public static bool IsCollectionName(string? collection) => collection is not null && CollectionName().IsMatch(collection);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex CollectionName();
}
