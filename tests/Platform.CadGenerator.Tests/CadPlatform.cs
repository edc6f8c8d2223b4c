using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Billing, SafetyGuard and CadGenerator as their own processes on a fresh RabbitMQ virtual host and fresh
/// PostgreSQL databases, with a price per render second set, shared by the job tests.
/// </summary>
public sealed class CadPlatform : IAsyncLifetime
{
    public const long RenderPricePerSecond = 20_000;

    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private DirectoryInfo _data = null!;

    public ServiceProcess Billing { get; private set; } = null!;

    public ServiceProcess SafetyGuard { get; private set; } = null!;

    public ServiceProcess Cad { get; private set; } = null!;

    public string DataDirectory => _data.FullName;

    public async ValueTask InitializeAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        _data = Directory.CreateTempSubdirectory("cad-jobs-");
        var environment = PlatformSettings.Distributed(_vhost, _databases);
        environment["Storage__DataDirectory"] = _data.FullName;
        environment["CadGenerator__Rendering__TimeoutSeconds"] = "20";
        environment["CadGenerator__Rendering__MemoryLimitMb"] = "1024";
        environment["CadGenerator__Jobs__ReserveMicroCredits"] = "1000000";
        Billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        SafetyGuard = await ServiceProcess.StartAsync("safetyguard", RepositoryPaths.ServiceDll("SafetyGuard"), environment);
        Cad = await ServiceProcess.StartAsync("cadgenerator", RepositoryPaths.ServiceDll("CadGenerator"), environment);

        using var prices = await Billing.Client.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey,
            new { cadRenderPerSecond = RenderPricePerSecond }));
        await ReadJsonAsync(prices, 200);
    }

    /// <summary>A new account with a key and <paramref name="credits"/> micro-credits deposited.</summary>
    public async Task<(string AccountId, string Key)> CreateAccountAsync(long credits)
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(Billing.Client);
        if (credits > 0)
        {
            using var deposit = await Billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = credits }));
            await ReadJsonAsync(deposit, 201);
        }

        return (accountId, key);
    }

    public async Task<long> AvailableAsync(string accountId)
    {
        using var response = await Billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", PlatformSettings.AdminKey));
        return (await ReadJsonAsync(response, 200)).GetProperty("available").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await Cad.DisposeAsync();
        await SafetyGuard.DisposeAsync();
        await Billing.DisposeAsync();
        await _databases.DisposeAsync();
        await _vhost.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
