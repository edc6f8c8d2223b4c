using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>Index files: saved atomically, loaded back as they were, and replaced by a rebuild when damaged or stale.</summary>
public sealed class HnswPersistenceTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _account = Guid.NewGuid();
    private IndexHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await IndexHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    private string FilePath => Path.Combine(_harness.IndexDirectory, _account.ToString("N"), "docs.hnsw");

    private async Task<(List<VectorPoint> Points, float[] Query)> FillAsync(HnswVectorIndex index)
    {
        var vectors = new ClusteredVectors(12, 4, seed: 3);
        var points = Enumerable.Range(0, 300).Select(i => new VectorPoint($"p{i}", vectors.Next(), $"text {i}", $"d{i % 3}", [$"t{i % 2}"])).ToList();
        await index.UpsertAsync(_account, "docs", points, Ct);
        await index.DeleteAsync(_account, "docs", "p1", Ct);
        return (points, vectors.Next());
    }

    [Fact]
    public async Task A_flushed_graph_loads_back_with_the_same_answers_and_no_temporary_files_remain()
    {
        using var first = _harness.Hnsw();
        var (_, query) = await FillAsync(first);
        var before = await first.SearchAsync(_account, "docs", new VectorQuery(query, 10, new PointFilter(Tags: ["t1"])), Ct);
        await first.FlushAsync(Ct);

        Assert.True(File.Exists(FilePath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "*.tmp"));
        var (loaded, fingerprint) = HnswFile.Load(FilePath, new HnswOptions());
        using (loaded)
        {
            Assert.Equal(299, loaded.Count);
            Assert.Equal(await _harness.Store.FingerprintAsync(_account, "docs", Ct), fingerprint);
        }

        using var second = _harness.Hnsw();
        await second.WarmAsync(Ct);
        var after = await second.SearchAsync(_account, "docs", new VectorQuery(query, 10, new PointFilter(Tags: ["t1"])), Ct);
        Assert.Equal(before.Points, after.Points, (a, b) => a.Id == b.Id && a.Text == b.Text && Math.Abs(a.Score - b.Score) < 1e-6);
    }

    [Fact]
    public async Task A_corrupt_file_is_rejected_by_its_checksum_and_the_graph_is_rebuilt_from_the_database()
    {
        using (var first = _harness.Hnsw())
        {
            await FillAsync(first);
            await first.FlushAsync(Ct);
        }

        var bytes = await File.ReadAllBytesAsync(FilePath, Ct);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(FilePath, bytes, Ct);
        Assert.Throws<InvalidDataException>(() => HnswFile.Load(FilePath, new HnswOptions()));

        using var second = _harness.Hnsw();
        var result = await second.SearchAsync(_account, "docs", new VectorQuery(new float[12].Select((_, i) => i + 1f).ToArray(), 300, PointFilter.None), Ct);
        Assert.Equal(299, result.Points.Count);
        await second.FlushAsync(Ct);
        var (reloaded, _) = HnswFile.Load(FilePath, new HnswOptions());
        using (reloaded)
        {
            Assert.Equal(299, reloaded.Count);
        }
    }

    [Fact]
    public async Task A_file_older_than_the_database_is_stale_and_rebuilt()
    {
        using (var first = _harness.Hnsw())
        {
            await FillAsync(first);
            await first.FlushAsync(Ct);
        }

        // Written behind the graph's back, as when a crash comes between commit and flush.
        await _harness.Store.UpsertAsync(_account, "docs", [new VectorPoint("late", [.. Enumerable.Repeat(1f, 12)], "late")], Ct);

        using var second = _harness.Hnsw();
        var result = await second.SearchAsync(_account, "docs", new VectorQuery([.. Enumerable.Repeat(1f, 12)], 1, PointFilter.None), Ct);
        Assert.Equal("late", Assert.Single(result.Points).Id);
    }
}
