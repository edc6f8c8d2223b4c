using FsCheck;
using FsCheck.Fluent;
using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>
/// Tenant isolation as a property, per backend: random interleavings of upserts and deletes by
/// three accounts over two shared collection names and shared point ids, then a search per account
/// and collection. Every hit must be one of that account's live points (checked against a model
/// kept per account), every live point must be found (the corpora are small), and a delete must
/// succeed exactly when the deleting account itself holds that point.
/// </summary>
public abstract class TenantIsolationPropertyTests : IAsyncLifetime
{
    private const int Dimension = 4;

    public sealed record Step(bool Delete, int Account, int Collection, int Point, int[] Vector);

    protected IndexHarness Harness { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Harness = await IndexHarness.CreateAsync();

    public virtual async ValueTask DisposeAsync() => await Harness.DisposeAsync();

    protected abstract Task<IVectorIndex> CreateIndexAsync();

    [Fact]
    public async Task No_search_or_delete_ever_touches_another_accounts_points()
    {
        var index = await CreateIndexAsync();
        var step =
            from delete in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
            from account in Gen.Choose(0, 2)
            from collection in Gen.Choose(0, 1)
            from point in Gen.Choose(0, 7)
            from vector in Gen.ArrayOf(Gen.Choose(-5, 5), Dimension)
            select new Step(delete, account, collection, point, vector);
        var runs = Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(step, n)).ToArbitrary();

        Prop.ForAll(runs, steps =>
        {
            RunAsync(index, steps).GetAwaiter().GetResult();
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }

    private static async Task RunAsync(IVectorIndex index, Step[] steps)
    {
        var ct = TestContext.Current.CancellationToken;
        // Fresh accounts per run: runs share the backend, as tenants share a deployment.
        var accounts = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        var model = new Dictionary<(int Account, int Collection), Dictionary<string, float[]>>();
        foreach (var step in steps)
        {
            var key = (step.Account, step.Collection);
            var live = model.TryGetValue(key, out var existing) ? existing : model[key] = [];
            var id = $"p{step.Point}";
            if (step.Delete)
            {
                var deleted = await index.DeleteAsync(accounts[step.Account], $"c{step.Collection}", id, ct);
                Assert.Equal(live.Remove(id), deleted);
                continue;
            }

            // A zero vector has no direction; nudge it so every generated vector is storable.
            var vector = step.Vector.All(c => c == 0) ? [1f, 0, 0, 0] : step.Vector.Select(c => (float)c).ToArray();
            var result = await index.UpsertAsync(accounts[step.Account], $"c{step.Collection}", [new VectorPoint(id, vector, $"{step.Account}:{id}")], ct);
            Assert.False(result.DimensionMismatch);
            live[id] = vector;
        }

        for (var account = 0; account < accounts.Length; account++)
        {
            for (var collection = 0; collection < 2; collection++)
            {
                var live = model.GetValueOrDefault((account, collection)) ?? [];
                var result = await index.SearchAsync(accounts[account], $"c{collection}", new VectorQuery([1, 1, 1, 1], 20, PointFilter.None), ct);
                Assert.All(result.Points, hit => Assert.StartsWith($"{account}:", hit.Text));
                Assert.Equal(live.Keys.Order(), result.Points.Select(hit => hit.Id).Order());
            }
        }
    }
}

public sealed class ExactTenantIsolationPropertyTests : TenantIsolationPropertyTests
{
    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(Harness.Store);
}

public sealed class HnswTenantIsolationPropertyTests : TenantIsolationPropertyTests
{
    private HnswVectorIndex? _index;

    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(_index = Harness.Hnsw());

    public override async ValueTask DisposeAsync()
    {
        _index?.Dispose();
        await base.DisposeAsync();
    }
}
