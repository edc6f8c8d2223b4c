using Platform.Retrieval.Index;
using Platform.Retrieval.Search;
using Platform.Retrieval.Text;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>BM25, highlighting, RRF fusion and the search input checks, over the exact backend with its text index.</summary>
public sealed class HybridSearchTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _account = Guid.NewGuid();
    private IndexHarness _harness = null!;
    private TextIndexingVectorIndex _index = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await IndexHarness.CreateAsync();
        _index = new TextIndexingVectorIndex(_harness.Store, _harness.Store);
        await _index.UpsertAsync(
            _account,
            "docs",
            [
                new VectorPoint("cats", [1, 0, 0], "Cats purr. Cats sleep all day.", "d1", ["pets"]),
                new VectorPoint("dogs", [0.9f, 0.1f, 0], "Dogs bark at the postman.", "d2", ["pets"]),
                new VectorPoint("engine", [0, 1, 0], "The engine of a car; cats are not engines.", "d3"),
                new VectorPoint("tax", [0, 0, 1], "Tax forms are due in April.", "d4"),
            ],
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _index.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public void The_tokenizer_lowercases_runs_of_unicode_letters_and_digits()
    {
        Assert.Equal(["héllo", "wörld", "42", "x2"], TextTokenizer.Terms("Héllo, WÖRLD! 42 -- x2"));
        Assert.Equal("A «cat»; «CATS» and «Cats»? cathedral", Highlighter.Highlight("A cat; CATS and Cats? cathedral", new HashSet<string> { "cat", "cats" }));
    }

    [Fact]
    public void Bm25_ranks_by_term_frequency_and_rarity_and_forgets_deleted_points()
    {
        using var bm25 = new Bm25Index();
        bm25.Upsert([
            new VectorPoint("a", [1], "apple apple banana"),
            new VectorPoint("b", [1], "apple banana banana banana"),
            new VectorPoint("c", [1], "cherry"),
            new VectorPoint("d", [1], "banana split"),
        ]);

        // "apple" is rarer than "banana", so two apples outweigh three bananas.
        Assert.Equal(["a", "b", "d"], bm25.Search("apple banana", 10, PointFilter.None).Select(p => p.Id));
        Assert.Equal(["c"], bm25.Search("CHERRY!", 10, PointFilter.None).Select(p => p.Id));
        Assert.True(bm25.Delete("a"));
        Assert.Equal(["b"], bm25.Search("apple", 10, PointFilter.None).Select(p => p.Id));
        Assert.Empty(bm25.Search("nothing here", 10, PointFilter.None));
        Assert.Equal(3, bm25.Count);
    }

    [Fact]
    public async Task Bm25_mode_needs_no_vector_and_highlights_the_matches()
    {
        var search = new HybridSearch(_index);

        var result = await search.SearchAsync(_account, new HybridQuery("docs", "cats", null, 10, SearchMode.Bm25, PointFilter.None), Ct);

        Assert.Equal(["cats", "engine"], result.Hits.Select(h => h.Id));
        Assert.Equal("«Cats» purr. «Cats» sleep all day.", result.Hits[0].Highlighted);
        Assert.All(result.Hits, h => Assert.Null(h.VectorScore));
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_from_bm25_as_well()
    {
        var search = new HybridSearch(_index);

        Assert.Equal(["cats"], await _index.DeleteDocumentAsync(_account, "docs", "d1", Ct));
        var result = await search.SearchAsync(_account, new HybridQuery("docs", "cats", null, 10, SearchMode.Bm25, PointFilter.None), Ct);

        Assert.Equal(["engine"], result.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Hybrid_mode_fuses_both_rankings_with_reciprocal_rank_fusion()
    {
        var search = new HybridSearch(_index);

        // Vector side: cats, dogs, ...; text side for "engine": engine only. RRF: cats (1/61),
        // engine (1/61 from text + a lower vector rank) comes first.
        var result = await search.SearchAsync(_account, new HybridQuery("docs", "engine", [1, 0.05f, 0], 3, SearchMode.Hybrid, PointFilter.None), Ct);

        Assert.Equal("engine", result.Hits[0].Id);
        Assert.Equal(1.0 / 61 + (1.0 / 63), result.Hits[0].Score, 9);
        Assert.NotNull(result.Hits[0].Bm25Score);
        Assert.NotNull(result.Hits[0].VectorScore);
        Assert.Equal(["engine", "cats", "dogs"], result.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Filters_apply_to_both_sides_and_accounts_stay_apart()
    {
        var search = new HybridSearch(_index);

        var pets = await search.SearchAsync(_account, new HybridQuery("docs", "cats engine", [0, 1, 0], 10, SearchMode.Hybrid, new PointFilter(Tags: ["pets"])), Ct);
        var stranger = await search.SearchAsync(Guid.NewGuid(), new HybridQuery("docs", "cats", null, 10, SearchMode.Bm25, PointFilter.None), Ct);

        Assert.Equal(["cats", "dogs"], pets.Hits.Select(h => h.Id).Order());
        Assert.False(stranger.CollectionFound);
    }

    [Fact]
    public async Task Text_index_follows_upserts_and_deletes()
    {
        var search = new HybridSearch(_index);
        await _index.UpsertAsync(_account, "docs", [new VectorPoint("tax", [0, 0, 1], "Penguins waddle.")], Ct);
        Assert.True(await _index.DeleteAsync(_account, "docs", "cats", Ct));

        var penguins = await search.SearchAsync(_account, new HybridQuery("docs", "penguins", null, 10, SearchMode.Bm25, PointFilter.None), Ct);
        var tax = await search.SearchAsync(_account, new HybridQuery("docs", "tax", null, 10, SearchMode.Bm25, PointFilter.None), Ct);
        var cats = await search.SearchAsync(_account, new HybridQuery("docs", "cats", null, 10, SearchMode.Bm25, PointFilter.None), Ct);

        Assert.Equal(["tax"], penguins.Hits.Select(h => h.Id));
        Assert.Empty(tax.Hits);
        Assert.Equal(["engine"], cats.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Vector_modes_without_a_vector_or_an_embedder_fail_clearly()
    {
        var search = new HybridSearch(_index);

        Assert.False(search.CanEmbed);
        await Assert.ThrowsAsync<QueryEmbeddingUnavailableException>(() =>
            search.SearchAsync(_account, new HybridQuery("docs", "cats", null, 10, SearchMode.Hybrid, PointFilter.None), Ct));
        var wrong = await search.SearchAsync(_account, new HybridQuery("docs", "cats", [1, 0], 10, SearchMode.Vector, PointFilter.None), Ct);
        Assert.Equal((3, 2), (wrong.ExpectedDimension, wrong.QueryDimension));
    }

    [Theory]
    [InlineData(null, "q", null, null, "collection")]
    [InlineData("../etc", "q", null, null, "collection")]
    [InlineData("docs", "", null, null, "query")]
    [InlineData("docs", "?!", "bm25", null, "query")]
    [InlineData("docs", "q", "fuzzy", null, "mode")]
    [InlineData("docs", "q", "1", null, "mode")]
    [InlineData("docs", "q", "vector,bm25", null, "mode")]
    [InlineData("docs", "q", null, 0, "limit")]
    [InlineData("docs", "q", null, 101, "limit")]
    public void Bad_search_input_is_reported_by_field(string? collection, string? query, string? mode, int? limit, string field)
    {
        var (checkedQuery, errors) = SearchInput.Check(collection, query, null, limit, mode, null, null);

        Assert.Null(checkedQuery);
        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Bad_vectors_and_filters_are_reported_by_field()
    {
        var (_, errors) = SearchInput.Check("docs", "q", [float.NaN], 5, "vector", new string('x', 200), ["", "ok"]);

        Assert.Equal(["filter.documentId", "filter.tags[0]", "vector"], errors.Select(e => e.Field).Order());
    }
}
