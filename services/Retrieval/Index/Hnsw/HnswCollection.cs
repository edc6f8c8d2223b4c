namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// One account's collection in memory: its graph once loaded, a gate that orders writes (the
/// database write and the graph update happen as one step per collection, so both see the same
/// order) and counters that tell the flusher whether the file is behind.
/// </summary>
internal sealed class HnswCollection(Guid accountId, string name)
{
    public Guid AccountId { get; } = accountId;

    public string Name { get; } = name;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Null until loaded, or while the collection has no dimension yet.</summary>
    public HnswGraph? Graph { get; set; }

    public volatile bool Loaded;

    /// <summary>Writes applied to the graph; <see cref="Saved"/> is its value at the last file write.</summary>
    public long Changes;

    public long Saved;
}
