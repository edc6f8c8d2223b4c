namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// HNSW parameters, bound from <c>Retrieval:Hnsw</c>. Defaults follow the paper and hnswlib:
/// M=16 links a node (32 on the ground layer), efConstruction=100 (hnswlib uses 200; 100 builds twice as fast here with the same recall on the benchmark data), efSearch=96 (raised to the
/// requested limit when that is larger).
/// </summary>
public sealed class HnswOptions
{
    public const string SectionName = "Retrieval:Hnsw";

    /// <summary>Links kept per node above the ground layer (twice as many on layer 0).</summary>
    public int M { get; set; } = 16;

    /// <summary>Candidate list size while inserting: larger builds a better graph, more slowly.</summary>
    public int EfConstruction { get; set; } = 100;

    /// <summary>Candidate list size while searching: the recall/speed dial.</summary>
    public int EfSearch { get; set; } = 96;

    /// <summary>
    /// A filter matching at most this many points is answered by scoring exactly those points:
    /// a filtered walk of the graph would visit most of it to find so few.
    /// </summary>
    public int ExactFilterThreshold { get; set; } = 2_000;

    /// <summary>When deleted nodes exceed this share of the graph, it is rebuilt from the live ones.</summary>
    public double RebuildDeletedFraction { get; set; } = 0.25;

    /// <summary>How often changed collections are written to their index files.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seeds the level generator, so the same inserts build the same graph.</summary>
    public int Seed { get; set; } = 42;
}
