namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// One point in the graph: its unit-length vector, payload, and its links on every layer it
/// reaches. A deleted node keeps its links (searches still walk through it) until the graph is
/// rebuilt; it is never returned.
/// </summary>
public sealed class HnswNode(string id, float[] vector, int level)
{
    public string Id { get; } = id;

    /// <summary>Normalised at insert, so cosine similarity is a dot product.</summary>
    public float[] Vector { get; } = vector;

    public int Level { get; } = level;

    /// <summary>Neighbour node numbers per layer, 0 (the ground layer) to <see cref="Level"/>.</summary>
    public List<int>[] Links { get; } = [.. Enumerable.Range(0, level + 1).Select(_ => new List<int>())];

    public string? Text { get; set; }

    public string? DocumentId { get; set; }

    public string[] Tags { get; set; } = [];

    public bool Deleted { get; set; }
}
