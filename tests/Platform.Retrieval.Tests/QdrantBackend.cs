using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Qdrant;
using Xunit;

namespace Platform.Retrieval.Tests;

/// <summary>
/// The Qdrant backend for a test, against the server at QDRANT_URL (with QDRANT_API_KEY when set),
/// under a collection prefix of its own that is dropped afterwards. Without QDRANT_URL the test is
/// skipped, visibly: Qdrant is the one server the project's machines may lack.
/// </summary>
public sealed class QdrantBackend : IAsyncDisposable
{
    private static readonly int[] TestDimensions = [2, 3, 4, 16];
    private readonly HttpClient _http = new();

    private QdrantBackend(IndexHarness harness, QdrantOptions options)
    {
        Options = options;
        Client = new QdrantClient(_http, options);
        Index = new QdrantVectorIndex(harness.Store, Client, options);
    }

    public QdrantOptions Options { get; }

    public QdrantClient Client { get; }

    public QdrantVectorIndex Index { get; }

    public static QdrantBackend Create(IndexHarness harness)
    {
        var url = Environment.GetEnvironmentVariable("QDRANT_URL");
        if (string.IsNullOrEmpty(url))
        {
            Assert.Skip("QDRANT_URL not set: the Qdrant backend was not tested (start Qdrant and set QDRANT_URL=http://127.0.0.1:6333 to run these).");
        }

        return new QdrantBackend(harness, new QdrantOptions
        {
            Url = url,
            ApiKey = Environment.GetEnvironmentVariable("QDRANT_API_KEY"),
            CollectionPrefix = $"test_{Guid.NewGuid():N}_",
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dimension in TestDimensions)
        {
            await Client.DropCollectionAsync(Index.CollectionFor(dimension), CancellationToken.None);
        }

        _http.Dispose();
    }
}

public sealed class QdrantIndexConformanceTests : VectorIndexConformanceTests
{
    private QdrantBackend? _qdrant;

    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>((_qdrant = QdrantBackend.Create(Harness)).Index);

    public override async ValueTask DisposeAsync()
    {
        if (_qdrant is not null)
        {
            await _qdrant.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class QdrantTenantIsolationPropertyTests : TenantIsolationPropertyTests
{
    private QdrantBackend? _qdrant;

    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>((_qdrant = QdrantBackend.Create(Harness)).Index);

    public override async ValueTask DisposeAsync()
    {
        if (_qdrant is not null)
        {
            await _qdrant.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
