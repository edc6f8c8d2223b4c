using System.Numerics.Tensors;
using Platform.Retrieval.Index;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>
/// The contract of <see cref="IVectorIndex"/>, run on every backend: upsert, replace, delete,
/// search order and scores, payload filters, dimensions, and tenant isolation. Each backend's
/// subclass only says how to build it (and skips visibly when its server is absent).
/// </summary>
public abstract class VectorIndexConformanceTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IndexHarness Harness { get; private set; } = null!;

    private readonly Guid _account = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();

    public async ValueTask InitializeAsync() => Harness = await IndexHarness.CreateAsync();

    public virtual async ValueTask DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>The backend under test over <see cref="Harness"/>; calls Assert.Skip when it cannot run here.</summary>
    protected abstract Task<IVectorIndex> CreateIndexAsync();

    [Fact]
    public async Task Search_returns_the_nearest_points_best_first_with_cosine_scores()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(_account, "docs", [P("x", 1, 0, 0), P("xy", 1, 1, 0), P("y", 0, 1, 0), P("minus-x", -1, 0, 0)], Ct);

        var result = await index.SearchAsync(_account, "docs", new VectorQuery([2, 0.1f, 0], 3, PointFilter.None), Ct);

        Assert.True(result.CollectionFound);
        Assert.Equal(["x", "xy", "y"], result.Points.Select(p => p.Id));
        Assert.Equal(Cosine([2, 0.1f, 0], [1, 0, 0]), result.Points[0].Score, 4);
        Assert.Equal(Cosine([2, 0.1f, 0], [1, 1, 0]), result.Points[1].Score, 4);
    }

    [Fact]
    public async Task Upsert_with_an_existing_id_replaces_its_vector_and_payload()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(_account, "docs", [P("a", 1, 0, 0, text: "old", documentId: "d1", tags: ["t1"]), P("b", 0, 1, 0)], Ct);
        await index.UpsertAsync(_account, "docs", [P("a", 0, 0, 1, text: "new", documentId: "d2", tags: ["t2"])], Ct);

        var near = await index.SearchAsync(_account, "docs", new VectorQuery([0, 0, 1], 1, PointFilter.None), Ct);
        var all = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0, 0], 10, PointFilter.None), Ct);

        var hit = Assert.Single(near.Points);
        Assert.Equal(("a", "new", "d2"), (hit.Id, hit.Text, hit.DocumentId));
        Assert.Equal(["t2"], hit.Tags);
        Assert.Equal(2, all.Points.Count);
        var listed = Assert.Single(await index.ListCollectionsAsync(_account, Ct));
        Assert.Equal(("docs", 3, 2L), (listed.Name, listed.Dimension, listed.Count));
    }

    [Fact]
    public async Task Delete_removes_only_that_point_and_reports_unknown_ones()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(_account, "docs", [P("a", 1, 0), P("b", 0, 1)], Ct);

        Assert.True(await index.DeleteAsync(_account, "docs", "a", Ct));
        Assert.False(await index.DeleteAsync(_account, "docs", "a", Ct));
        Assert.False(await index.DeleteAsync(_account, "docs", "never", Ct));
        Assert.False(await index.DeleteAsync(_account, "nowhere", "b", Ct));

        var result = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 10, PointFilter.None), Ct);
        Assert.Equal(["b"], result.Points.Select(p => p.Id));
    }

    [Fact]
    public async Task Delete_document_removes_its_points_in_that_account_and_collection_only()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(_account, "docs", [P("d1:0", 1, 0, documentId: "d1"), P("d1:1", 1, 0.2f, documentId: "d1"), P("d2:0", 1, 0.1f, documentId: "d2")], Ct);
        await index.UpsertAsync(_account, "other", [P("d1:0", 1, 0, documentId: "d1")], Ct);
        await index.UpsertAsync(_other, "docs", [P("d1:0", 1, 0, documentId: "d1")], Ct);

        var deleted = await index.DeleteDocumentAsync(_account, "docs", "d1", Ct);
        var again = await index.DeleteDocumentAsync(_account, "docs", "d1", Ct);
        var nowhere = await index.DeleteDocumentAsync(_account, "nowhere", "d1", Ct);

        Assert.Equal(["d1:0", "d1:1"], deleted.Order());
        Assert.Empty(again);
        Assert.Empty(nowhere);
        async Task<string[]> Ids(Guid account, string collection) =>
            [.. (await index.SearchAsync(account, collection, new VectorQuery([1, 0], 10, PointFilter.None), Ct)).Points.Select(p => p.Id)];
        Assert.Equal(["d2:0"], await Ids(_account, "docs"));
        Assert.Equal(["d1:0"], await Ids(_account, "other"));
        Assert.Equal(["d1:0"], await Ids(_other, "docs"));
        Assert.Empty((await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 10, new PointFilter(DocumentId: "d1")), Ct)).Points);
    }

    [Fact]
    public async Task Filters_select_by_document_and_by_all_given_tags()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(
            _account,
            "docs",
            [
                P("a", 1, 0, documentId: "d1", tags: ["red", "big"]),
                P("b", 1, 0.1f, documentId: "d1", tags: ["red"]),
                P("c", 1, 0.2f, documentId: "d2", tags: ["red", "big"]),
                P("d", 1, 0.3f),
            ],
            Ct);

        async Task<string[]> Ids(PointFilter filter) =>
            [.. (await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 10, filter), Ct)).Points.Select(p => p.Id).Order()];

        Assert.Equal(["a", "b"], await Ids(new PointFilter(DocumentId: "d1")));
        Assert.Equal(["a", "c"], await Ids(new PointFilter(Tags: ["red", "big"])));
        Assert.Equal(["a"], await Ids(new PointFilter("d1", ["big"])));
        Assert.Empty(await Ids(new PointFilter(DocumentId: "d3")));
        Assert.Empty(await Ids(new PointFilter(Tags: ["green"])));
    }

    [Fact]
    public async Task The_first_upsert_fixes_the_dimension_and_other_dimensions_change_nothing()
    {
        var index = await CreateIndexAsync();
        Assert.Equal(UpsertResult.Written(3, 1), await index.UpsertAsync(_account, "docs", [P("a", 1, 0, 0)], Ct));

        Assert.Equal(UpsertResult.Mismatch(3), await index.UpsertAsync(_account, "docs", [P("b", 1, 0)], Ct));
        var wrong = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 5, PointFilter.None), Ct);
        var missing = await index.SearchAsync(_account, "other", new VectorQuery([1, 0, 0], 5, PointFilter.None), Ct);
        var right = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0, 0], 5, PointFilter.None), Ct);

        Assert.Equal(3, wrong.ExpectedDimension);
        Assert.False(missing.CollectionFound);
        Assert.Equal(["a"], right.Points.Select(p => p.Id));
    }

    [Fact]
    public async Task Accounts_never_see_or_delete_each_others_points_even_under_the_same_names()
    {
        var index = await CreateIndexAsync();
        await index.UpsertAsync(_account, "docs", [P("shared-id", 1, 0), P("mine", 0, 1)], Ct);
        await index.UpsertAsync(_other, "docs", [P("shared-id", 1, 0, 0, text: "theirs")], Ct);

        Assert.False(await index.DeleteAsync(_other, "docs", "mine", Ct));
        var mine = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 10, PointFilter.None), Ct);
        var theirs = await index.SearchAsync(_other, "docs", new VectorQuery([1, 0, 0], 10, PointFilter.None), Ct);
        Assert.True(await index.DeleteAsync(_other, "docs", "shared-id", Ct));
        var mineAfter = await index.SearchAsync(_account, "docs", new VectorQuery([1, 0], 10, PointFilter.None), Ct);

        Assert.Equal(["shared-id", "mine"], mine.Points.Select(p => p.Id));
        Assert.Equal("theirs", Assert.Single(theirs.Points).Text);
        Assert.Equal(["shared-id", "mine"], mineAfter.Points.Select(p => p.Id));
        Assert.False((await index.SearchAsync(Guid.NewGuid(), "docs", new VectorQuery([1, 0], 10, PointFilter.None), Ct)).CollectionFound);
        Assert.Equal(2L, Assert.Single(await index.ListCollectionsAsync(_account, Ct)).Count);
    }

    [Fact]
    public async Task On_clustered_data_results_match_exact_search()
    {
        var index = await CreateIndexAsync();
        var vectors = new ClusteredVectors(dimension: 16, clusters: 8, seed: 7);
        var points = Enumerable.Range(0, 400).Select(i => new VectorPoint($"p{i}", vectors.Next(), DocumentId: $"d{i % 5}")).ToList();
        await index.UpsertAsync(_account, "docs", points, Ct);
        foreach (var gone in points.Take(40))
        {
            await index.DeleteAsync(_account, "docs", gone.Id, Ct);
        }

        var found = 0;
        var expected = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = vectors.Next();
            var filter = q % 2 == 0 ? PointFilter.None : new PointFilter(DocumentId: $"d{q % 5}");
            var truth = (await Harness.Store.SearchAsync(_account, "docs", new VectorQuery(query, 10, filter), Ct)).Points.Select(p => p.Id).ToHashSet();
            var result = await index.SearchAsync(_account, "docs", new VectorQuery(query, 10, filter), Ct);
            Assert.Equal(truth.Count, result.Points.Count);
            Assert.All(result.Points, p => Assert.True(filter.Matches(p.DocumentId, p.Tags)));
            found += result.Points.Count(p => truth.Contains(p.Id));
            expected += truth.Count;
        }

        Assert.True(found >= 0.95 * expected, $"recall@10 {found}/{expected}");
    }

    private static VectorPoint P(string id, float x, float y, string? text = null, string? documentId = null, IReadOnlyList<string>? tags = null) =>
        new(id, [x, y], text ?? id, documentId, tags);

    private static VectorPoint P(string id, float x, float y, float z, string? text = null, string? documentId = null, IReadOnlyList<string>? tags = null) =>
        new(id, [x, y, z], text ?? id, documentId, tags);

    private static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);
}

public sealed class ExactIndexConformanceTests : VectorIndexConformanceTests
{
    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(Harness.Store);
}

public sealed class HnswIndexConformanceTests : VectorIndexConformanceTests
{
    private Index.Hnsw.HnswVectorIndex? _index;

    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(_index = Harness.Hnsw());

    public override async ValueTask DisposeAsync()
    {
        _index?.Dispose();
        await base.DisposeAsync();
    }
}
