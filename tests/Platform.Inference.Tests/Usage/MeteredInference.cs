using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Inference.Tests.Usage;

/// <summary>
/// Billing and Inference as their own processes (distributed mode: a fresh RabbitMQ virtual host and
/// fresh PostgreSQL databases), with <see cref="Model"/> priced at one micro-credit per embedding token.
/// </summary>
public sealed class MeteredInference : IAsyncDisposable
{
    public const string Model = "platform-embed-256";

    private MeteredInference(RabbitMqVirtualHost vhost, PostgresDatabases databases, Dictionary<string, string> environment, ServiceProcess billing, ServiceProcess inference)
    {
        VirtualHost = vhost;
        Databases = databases;
        Environment = environment;
        Billing = billing;
        Inference = inference;
    }

    public RabbitMqVirtualHost VirtualHost { get; }

    public PostgresDatabases Databases { get; }

    public Dictionary<string, string> Environment { get; }

    public ServiceProcess Billing { get; }

    public ServiceProcess Inference { get; private set; }

    public static async Task<MeteredInference> StartAsync()
    {
        var vhost = await TestServers.CreateVirtualHostAsync();
        var databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(vhost, databases);
        environment["Inference__Device"] = "cpu";
        environment[$"Billing__Prices__Models__{Model}__EmbeddingPerMillionTokens"] = "1000000";
        var billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        var inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), environment);
        return new MeteredInference(vhost, databases, environment, billing, inference);
    }

    /// <summary>Kills Inference (SIGKILL, no shutdown) and starts it again on the same databases.</summary>
    public async Task KillAndRestartInferenceAsync(Func<Task>? whileDown = null)
    {
        Inference.Kill();
        await Inference.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }

        Inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), Environment);
    }

    /// <summary>A new account with a key and <paramref name="credits"/> micro-credits deposited.</summary>
    public async Task<(string AccountId, string Key)> CreateAccountAsync(long credits, CancellationToken cancel)
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(Billing.Client);
        if (credits > 0)
        {
            using var deposit = await Billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = credits }), cancel);
            await ReadJsonAsync(deposit, 201);
        }

        return (accountId, key);
    }

    public async Task<long> AvailableAsync(string accountId, CancellationToken cancel)
    {
        using var balance = await Billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", PlatformSettings.AdminKey), cancel);
        return (await ReadJsonAsync(balance, 200)).GetProperty("available").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await Inference.DisposeAsync();
        await Billing.DisposeAsync();
        await Databases.DisposeAsync();
        await VirtualHost.DisposeAsync();
    }
}
