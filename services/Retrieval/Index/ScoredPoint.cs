namespace Platform.Retrieval.Index;

/// <summary>A search hit: the point's payload and its cosine similarity to the query (-1..1).</summary>
public sealed record ScoredPoint(string Id, float Score, string? Text, string? DocumentId, IReadOnlyList<string> Tags);
