using System.Text;
using Platform.ServiceDefaults.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Retrieval.Tests;

/// <summary>
/// Retrieval's HTTP surface as deployed: its own process (HNSW backend, PostgreSQL) beside Billing
/// (which resolves API keys over RabbitMQ). Search results, and bad input answered with problems
/// while nothing is half-written.
/// </summary>
public sealed class RetrievalHttpTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private ServiceProcess _billing = null!;
    private ServiceProcess _retrieval = null!;
    private string _dataDirectory = null!;
    private string _key = null!;
    private string _otherKey = null!;

    public async ValueTask InitializeAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        _dataDirectory = Path.Combine(Path.GetTempPath(), "retrieval-http-" + Guid.NewGuid().ToString("N"));
        var environment = PlatformSettings.Distributed(_vhost, _databases);
        environment["Storage__DataDirectory"] = _dataDirectory;
        environment["Retrieval__Backend"] = "hnsw";
        _billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        _retrieval = await ServiceProcess.StartAsync("retrieval", RepositoryPaths.ServiceDll("Retrieval"), environment);
        (_, _key) = await CreateAccountWithKeyAsync(_billing.Client);
        (_, _otherKey) = await CreateAccountWithKeyAsync(_billing.Client, "other");
        using var upsert = await _retrieval.Client.SendAsync(Request(HttpMethod.Put, "/v1/collections/docs/points", _key, new
        {
            points = new object[]
            {
                new { id = "cats", vector = new[] { 1f, 0, 0 }, text = "Cats purr and sleep.", documentId = "d1", tags = new[] { "pets" } },
                new { id = "cars", vector = new[] { 0f, 1, 0 }, text = "Cars need fuel.", documentId = "d2" },
            },
        }), Ct);
        await ReadJsonAsync(upsert, 200);
    }

    public async ValueTask DisposeAsync()
    {
        await _retrieval.DisposeAsync();
        await _billing.DisposeAsync();
        await _databases.DisposeAsync();
        await _vhost.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private Task<HttpResponseMessage> SearchAsync(object body, string? key = null) =>
        _retrieval.Client.SendAsync(Request(HttpMethod.Post, "/v1/search", key ?? _key, body), Ct);

    [Fact]
    public async Task Search_answers_bm25_and_hybrid_with_scores_payload_and_highlights()
    {
        using var bm25 = await SearchAsync(new { collection = "docs", query = "cats", mode = "bm25" });
        var text = await ReadJsonAsync(bm25, 200);
        using var hybrid = await SearchAsync(new { collection = "docs", query = "fuel", vector = new[] { 1f, 0.1f, 0 }, limit = 2 });
        var fused = await ReadJsonAsync(hybrid, 200);

        var hit = Assert.Single(text.GetProperty("results").EnumerateArray());
        Assert.Equal("cats", hit.GetProperty("id").GetString());
        Assert.Equal("«Cats» purr and sleep.", hit.GetProperty("highlighted").GetString());
        Assert.Equal("d1", hit.GetProperty("documentId").GetString());
        Assert.Equal("hybrid", fused.GetProperty("mode").GetString());
        Assert.Equal(2, fused.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Bad_search_input_is_a_problem_with_the_field_never_a_500()
    {
        using (var response = await SearchAsync(new { collection = "docs", query = "", mode = "bm25" }))
        {
            Assert.True((await ReadProblemAsync(response, 400, ProblemTypes.Validation)).GetProperty("errors").TryGetProperty("query", out _));
        }

        using (var response = await SearchAsync(new { collection = "docs", query = "x", mode = "fuzzy", limit = 500 }))
        {
            var errors = (await ReadProblemAsync(response, 400, ProblemTypes.Validation)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("mode", out _) && errors.TryGetProperty("limit", out _));
        }

        using (var response = await SearchAsync(new { collection = "docs", query = new string('q', 5_000), mode = "bm25" }))
        {
            await ReadProblemAsync(response, 400, ProblemTypes.Validation);
        }

        using (var response = await SearchAsync(new { collection = "docs", query = "cats", vector = new[] { 1f, 0 }, mode = "vector" }))
        {
            Assert.True((await ReadProblemAsync(response, 400, ProblemTypes.Validation)).GetProperty("errors").TryGetProperty("vector", out _));
        }

        using (var wrongType = await _retrieval.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/search")
            {
                Content = new StringContent("""{"collection": "docs", "query": "cats", "limit": "ten"}""", Encoding.UTF8, "application/json"),
                Headers = { Authorization = new("Bearer", _key) },
            },
            Ct))
        {
            Assert.Equal(400, (int)wrongType.StatusCode);
        }

        using (var malformed = await _retrieval.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/search")
            {
                Content = new StringContent("{not json", Encoding.UTF8, "application/json"),
                Headers = { Authorization = new("Bearer", _key) },
            },
            Ct))
        {
            Assert.Equal(400, (int)malformed.StatusCode);
        }
    }

    [Fact]
    public async Task Another_accounts_collection_and_points_answer_404_like_unknown_ones()
    {
        using (var foreign = await SearchAsync(new { collection = "docs", query = "cats", mode = "bm25" }, _otherKey))
        {
            await ReadProblemAsync(foreign, 404, ProblemTypes.NotFound);
        }

        using (var unknown = await SearchAsync(new { collection = "nothing", query = "cats", mode = "bm25" }))
        {
            await ReadProblemAsync(unknown, 404, ProblemTypes.NotFound);
        }

        using (var delete = await _retrieval.Client.SendAsync(Request(HttpMethod.Delete, "/v1/collections/docs/points/cats", _otherKey), Ct))
        {
            await ReadProblemAsync(delete, 404, ProblemTypes.NotFound);
        }

        using var still = await SearchAsync(new { collection = "docs", query = "cats", mode = "bm25" });
        Assert.Equal(1, (await ReadJsonAsync(still, 200)).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task A_rejected_upsert_writes_nothing()
    {
        var points = Enumerable.Range(0, 3).Select(i => new { id = $"n{i}", vector = i == 2 ? new[] { 1f, 0 } : new[] { 1f, 0, 0 }, text = "new" }).ToArray();
        using (var mixed = await _retrieval.Client.SendAsync(Request(HttpMethod.Put, "/v1/collections/fresh/points", _key, new { points }), Ct))
        {
            await ReadProblemAsync(mixed, 400, ProblemTypes.Validation);
        }

        using (var empty = await _retrieval.Client.SendAsync(Request(HttpMethod.Put, "/v1/collections/fresh/points", _key, new { points = Array.Empty<object>() }), Ct))
        {
            await ReadProblemAsync(empty, 400, ProblemTypes.Validation);
        }

        using var list = await _retrieval.Client.SendAsync(Request(HttpMethod.Get, "/v1/collections", _key), Ct);
        var names = (await ReadJsonAsync(list, 200)).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString());
        Assert.Equal(["docs"], names);
    }
}
