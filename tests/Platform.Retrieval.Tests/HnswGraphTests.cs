using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>The graph itself: recall against brute force, deletes with repair and rebuild, filters, concurrency.</summary>
public sealed class HnswGraphTests
{
    private static double Recall(HnswGraph graph, ClusteredVectors queries, int count, PointFilter filter, int? ef = null)
    {
        var found = 0;
        var expected = 0;
        for (var q = 0; q < count; q++)
        {
            var query = queries.Next();
            var truth = graph.SearchExact(query, 10, filter).Points.Select(p => p.Id).ToHashSet();
            found += graph.Search(query, 10, filter, ef).Points.Count(p => truth.Contains(p.Id));
            expected += truth.Count;
        }

        return (double)found / expected;
    }

    private static HnswGraph Build(int count, int dimension, out ClusteredVectors vectors, HnswOptions? options = null)
    {
        vectors = new ClusteredVectors(dimension, clusters: 20, seed: 11);
        var graph = new HnswGraph(dimension, options ?? new HnswOptions { EfConstruction = 100 });
        var generator = vectors;
        graph.Upsert([.. Enumerable.Range(0, count).Select(i => new VectorPoint($"p{i}", generator.Next(), DocumentId: $"d{i % 50}", Tags: i % 3 == 0 ? ["third"] : null))]);
        return graph;
    }

    [Fact]
    public void Recall_at_10_against_brute_force_is_high_and_scans_a_fraction_of_the_points()
    {
        using var graph = Build(3_000, 32, out var vectors);

        var recall = Recall(graph, vectors, 50, PointFilter.None);
        var scanned = graph.Search(vectors.Next(), 10, PointFilter.None).Scanned;

        Assert.True(recall >= 0.95, $"recall@10 {recall:0.000}");
        Assert.True(scanned < 3_000 / 2, $"scored {scanned} of 3000 points");
    }

    [Fact]
    public void Filtered_searches_stay_exact_or_near_it_whether_the_filter_is_wide_or_narrow()
    {
        using var graph = Build(3_000, 32, out var vectors, new HnswOptions { EfConstruction = 100, ExactFilterThreshold = 100 });

        // A third of the points carry the tag: a filtered walk. One document is 60 points: exact.
        var wide = Recall(graph, vectors, 30, new PointFilter(Tags: ["third"]));
        var narrow = Recall(graph, vectors, 30, new PointFilter(DocumentId: "d7"));

        Assert.True(wide >= 0.9, $"recall@10 with a tag filter {wide:0.000}");
        Assert.Equal(1.0, narrow);
        Assert.All(graph.Search(vectors.Next(), 10, new PointFilter(Tags: ["third"])).Points, p => Assert.Contains("third", p.Tags));
    }

    [Fact]
    public void Deletes_are_never_returned_and_many_deletes_rebuild_the_graph_without_losing_recall()
    {
        using var graph = Build(2_000, 24, out var vectors);

        var deleted = new HashSet<string>();
        for (var i = 0; i < 1_200; i += 2)
        {
            Assert.True(graph.Delete($"p{i}"));
            deleted.Add($"p{i}");
        }

        Assert.False(graph.Delete("p0"));
        Assert.Equal(1_400, graph.Count);
        Assert.True(graph.DeletedCount < 600, "the graph was rebuilt once tombstones passed a quarter of it");
        var recall = Recall(graph, vectors, 40, PointFilter.None);
        Assert.True(recall >= 0.95, $"recall@10 after deletes {recall:0.000}");
        for (var q = 0; q < 20; q++)
        {
            Assert.All(graph.Search(vectors.Next(), 20, PointFilter.None).Points, p => Assert.DoesNotContain(p.Id, deleted));
        }
    }

    [Fact]
    public async Task Concurrent_searches_and_inserts_are_safe()
    {
        using var graph = Build(500, 16, out var vectors);
        var queries = Enumerable.Range(0, 200).Select(_ => vectors.Next()).ToArray();
        var inserts = Enumerable.Range(500, 500).Select(i => new VectorPoint($"p{i}", vectors.Next())).ToArray();

        var writer = Task.Run(() =>
        {
            foreach (var chunk in inserts.Chunk(10))
            {
                graph.Upsert(chunk);
            }
        }, TestContext.Current.CancellationToken);
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            foreach (var query in queries)
            {
                Assert.Equal(10, graph.Search(query, 10, PointFilter.None).Points.Count);
            }
        }, TestContext.Current.CancellationToken));
        await Task.WhenAll([writer, .. readers]);

        Assert.Equal(1_000, graph.Count);
        Assert.True(Recall(graph, vectors, 30, PointFilter.None) >= 0.95);
    }
}
