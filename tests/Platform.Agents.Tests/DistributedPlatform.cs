using Platform.Testing;

namespace Platform.Agents.Tests;

/// <summary>
/// Distributed mode: Billing, SafetyGuard and Agents each as its own process, on a fresh RabbitMQ virtual host and
/// fresh PostgreSQL databases. Agents can be killed and restarted on the same databases (crash tests).
/// </summary>
public sealed class AgentsDistributedPlatform : AgentsPlatform
{
    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private Dictionary<string, string> _environment = null!;

    public ServiceProcess BillingProcess { get; private set; } = null!;

    public ServiceProcess SafetyGuardProcess { get; private set; } = null!;

    public ServiceProcess AgentsProcess { get; private set; } = null!;

    public RabbitMqVirtualHost VirtualHost => _vhost;

    public override HttpClient Agents => AgentsProcess.Client;

    public override HttpClient Billing => BillingProcess.Client;

    public override HttpClient SafetyGuard => SafetyGuardProcess.Client;

    public override string Diagnostics() => "--- agents ---\n" + AgentsProcess.Tail(60) + "\n--- billing ---\n" + BillingProcess.Tail(20);

    protected override async Task StartServicesAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        _environment = PlatformSettings.Distributed(_vhost, _databases);
        AgentsSettings.ApplyTo(_environment);
        var billing = ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), _environment);
        var safetyGuard = ServiceProcess.StartAsync("safetyguard", RepositoryPaths.ServiceDll("SafetyGuard"), _environment);
        var agents = StartAgentsAsync();
        BillingProcess = await billing;
        SafetyGuardProcess = await safetyGuard;
        AgentsProcess = await agents;
    }

    /// <summary>Kills Agents (no shutdown, as a crash) and starts it again on the same databases and virtual host.</summary>
    public async Task RestartAgentsAsync()
    {
        AgentsProcess.Kill();
        await AgentsProcess.DisposeAsync();
        AgentsProcess = await StartAgentsAsync();
    }

    public void KillAgents() => AgentsProcess.Kill();

    public async Task StartAgentsAgainAsync()
    {
        await AgentsProcess.DisposeAsync();
        AgentsProcess = await StartAgentsAsync();
    }

    private Task<ServiceProcess> StartAgentsAsync() => ServiceProcess.StartAsync("agents", RepositoryPaths.ServiceDll("Agents"), _environment);

    protected override async Task StopServicesAsync()
    {
        foreach (var process in new[] { AgentsProcess, SafetyGuardProcess, BillingProcess })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        if (_databases is not null)
        {
            await _databases.DisposeAsync();
        }

        if (_vhost is not null)
        {
            await _vhost.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DistributedCollection : ICollectionFixture<AgentsDistributedPlatform>
{
    public const string Name = "agents distributed";
}
