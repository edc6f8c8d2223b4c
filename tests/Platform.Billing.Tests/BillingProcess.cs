using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Billing.Tests;

/// <summary>
/// The Billing program as its own process: standalone (SQLite, in-memory bus) or distributed
/// (PostgreSQL, RabbitMQ in a fresh virtual host). Shared by the tests of one class.
/// </summary>
public abstract class BillingProcess(Engine engine) : IAsyncLifetime
{
    private string? _directory;

    public Engine Engine { get; } = engine;

    public ServiceProcess Service { get; private set; } = null!;

    public RabbitMqVirtualHost? VirtualHost { get; private set; }

    public PostgresDatabases? Databases { get; private set; }

    public Dictionary<string, string> Environment { get; private set; } = null!;

    public HttpClient Client => Service.Client;

    public async ValueTask InitializeAsync()
    {
        if (Engine == Engine.Postgres)
        {
            VirtualHost = await TestServers.CreateVirtualHostAsync();
            Databases = await TestServers.CreatePostgresPrefixAsync();
            Environment = PlatformSettings.Distributed(VirtualHost, Databases);
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("billing-http-").FullName;
            Environment = PlatformSettings.Standalone(_directory);
        }

        Environment["Billing__Ledger__SweepIntervalMs"] = "200";
        Environment["Billing__Prices__ToolCall"] = "100";
        Environment["Billing__Prices__Models__test-model__InputPerMillionTokens"] = "2000000";
        Service = await StartAsync();
    }

    public Task<ServiceProcess> StartAsync() =>
        ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), Environment);

    /// <summary>A new account with a key and <paramref name="deposit"/> micro-credits.</summary>
    public async Task<(string AccountId, string Key)> CreateFundedAccountAsync(long deposit, HttpClient? client = null)
    {
        client ??= Client;
        var (accountId, key) = await CreateAccountWithKeyAsync(client);
        if (deposit > 0)
        {
            using var response = await client.SendAsync(Request(
                HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey, new { transferId = "initial", amount = deposit }));
            await ReadJsonAsync(response, 201);
        }

        return (accountId, key);
    }

    public async Task<long> AvailableAsync(string accountId, string key, HttpClient? client = null)
    {
        using var response = await (client ?? Client).SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", key));
        return (await ReadJsonAsync(response, 200)).GetProperty("available").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        if (Databases is not null)
        {
            await TestCleanup.DropAsync(Databases);
        }

        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind does not affect other tests.
            }
        }
    }
}

public sealed class SqliteBillingProcess() : BillingProcess(Engine.Sqlite);

public sealed class PostgresBillingProcess() : BillingProcess(Engine.Postgres);
