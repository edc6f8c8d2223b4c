namespace Platform.Contracts.Retrieval;

// Retrieval's search on the bus, for Agents (the retrieval.search tool). Answered with exactly one
// of ChunksFound or SearchRejected. The account is the requester's: Retrieval never returns
// another account's chunks, so the requester must pass the run's own account, not a user's input.

/// <summary>
/// Searches <paramref name="Collection"/> of <paramref name="AccountId"/> for <paramref name="Query"/>.
/// <paramref name="Mode"/>: "vector", "bm25" or "hybrid" (default); <paramref name="Limit"/> 1..100.
/// Without <paramref name="Vector"/>, vector and hybrid modes embed the query through Inference.
/// </summary>
public sealed record SearchChunks(
    Guid AccountId,
    string Collection,
    string Query,
    int Limit = 10,
    string Mode = "hybrid",
    string? DocumentId = null,
    IReadOnlyList<string>? Tags = null,
    float[]? Vector = null);

/// <summary>The best chunks, best first. <see cref="FoundChunk.Highlighted"/> wraps the query's terms in « and ».</summary>
public sealed record ChunksFound(string Collection, string Mode, IReadOnlyList<FoundChunk> Chunks);

public sealed record FoundChunk(string Id, double Score, string? DocumentId, IReadOnlyList<string> Tags, string? Text, string? Highlighted);

/// <summary>Not searched. <paramref name="Reason"/> is one of <see cref="SearchRejectionReasons"/>; <paramref name="Detail"/> is for people.</summary>
public sealed record SearchRejected(string Reason, string Detail);

public static class SearchRejectionReasons
{
    public const string Invalid = "invalid";
    public const string NotFound = "not-found";
    public const string Unavailable = "unavailable";
}
