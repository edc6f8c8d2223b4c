using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Foundation.Tests;

/// <summary>
/// A message crosses RabbitMQ between two services' modules: Ingest authenticates every request by
/// asking Billing (its own process) who owns the key, over the bus.
/// </summary>
public sealed class ApiKeysAcrossTheBusTests : IAsyncLifetime
{
    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private ServiceProcess _billing = null!;
    private ServiceProcess _ingest = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(_vhost, _databases);
        environment["Auth__CacheSeconds"] = "1";
        // Short enough for the Billing-is-down case, long enough for a first request answered by a
        // freshly started Billing while CI runs the other test projects beside this one.
        environment["Bus__RequestTimeoutMs"] = "10000";
        _billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        _ingest = await ServiceProcess.StartAsync("ingest", RepositoryPaths.ServiceDll("Ingest"), environment);
    }

    public async ValueTask DisposeAsync()
    {
        await _ingest.DisposeAsync();
        await _billing.DisposeAsync();
        await _databases.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task A_key_made_in_Billing_opens_Ingest_and_revoking_it_closes_Ingest()
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(_billing.Client);

        using (var accepted = await _ingest.Client.SendAsync(Request(HttpMethod.Get, "/v1/documents", key), Cancel))
        {
            await ReadJsonAsync(accepted, 200);
        }

        using (var keys = await _billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/keys", key), Cancel))
        {
            var keyId = (await ReadJsonAsync(keys, 200))[0].GetProperty("id").GetString();
            using var revoked = await _billing.Client.SendAsync(Request(HttpMethod.Delete, $"/v1/accounts/{accountId}/keys/{keyId}", key), Cancel);
            Assert.Equal(204, (int)revoked.StatusCode);
        }

        // Ingest trusts a resolved key for Auth:CacheSeconds (1 s here, 30 s by default).
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        using var rejected = await _ingest.Client.SendAsync(Request(HttpMethod.Get, "/v1/documents", key), Cancel);
        await ReadProblemAsync(rejected, 401, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_by_Ingest()
    {
        using var response = await _ingest.Client.SendAsync(Request(HttpMethod.Get, "/v1/documents", "pk_unknown"), Cancel);

        await ReadProblemAsync(response, 401, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Without_Billing_Ingest_answers_503_not_401()
    {
        var (_, key) = await CreateAccountWithKeyAsync(_billing.Client);
        _billing.Kill();

        using var response = await _ingest.Client.SendAsync(Request(HttpMethod.Get, "/v1/documents", key), Cancel);

        await ReadProblemAsync(response, 503, ProblemTypes.DependencyUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
