namespace Platform.Retrieval.Index;

/// <summary>
/// A search outcome: the hits, or why there are none. <see cref="CollectionFound"/> false means the
/// account has no such collection; <see cref="ExpectedDimension"/> set means the query vector had
/// another dimension than the collection.
/// </summary>
public sealed record SearchResult(bool CollectionFound, int? ExpectedDimension, IReadOnlyList<ScoredPoint> Points, int Scanned)
{
    public static SearchResult NoCollection { get; } = new(false, null, [], 0);

    public static SearchResult WrongDimension(int expected) => new(true, expected, [], 0);

    public static SearchResult Found(IReadOnlyList<ScoredPoint> points, int scanned) => new(true, null, points, scanned);
}
