using Platform.ServiceDefaults;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// All seven services, each its own process, on a fresh RabbitMQ virtual host and fresh PostgreSQL
/// databases: distributed mode as it runs on a machine. Share it with <c>IClassFixture</c>; a subclass may add
/// settings (<see cref="Configure"/>).
/// </summary>
public class DistributedPlatform : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Projects = new()
    {
        [PlatformServices.Ingest] = "Ingest",
        [PlatformServices.Retrieval] = "Retrieval",
        [PlatformServices.Inference] = "Inference",
        [PlatformServices.Agents] = "Agents",
        [PlatformServices.Billing] = "Billing",
        [PlatformServices.SafetyGuard] = "SafetyGuard",
        [PlatformServices.CadGenerator] = "CadGenerator",
    };

    private readonly Dictionary<string, ServiceProcess> _services = [];

    public RabbitMqVirtualHost VirtualHost { get; private set; } = null!;

    public PostgresDatabases Databases { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Environment { get; private set; } = null!;

    public ServiceProcess this[string service] => _services[service];

    public IEnumerable<ServiceProcess> All => _services.Values;

    public static string ProjectOf(string service) => Projects[service];

    public async ValueTask InitializeAsync()
    {
        VirtualHost = await TestServers.CreateVirtualHostAsync();
        Databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(VirtualHost, Databases);
        Configure(environment);
        Environment = environment;
        var starting = Projects.ToDictionary(
            p => p.Key,
            p => ServiceProcess.StartAsync(p.Key, RepositoryPaths.ServiceDll(p.Value), Environment, readyTimeout: TimeSpan.FromSeconds(120)));
        try
        {
            await Task.WhenAll(starting.Values);
        }
        finally
        {
            // Keep whatever did start, so that DisposeAsync stops it even when another service failed.
            foreach (var (service, task) in starting.Where(s => s.Value.IsCompletedSuccessfully))
            {
                _services[service] = task.Result;
            }
        }
    }

    /// <summary>Settings every service gets on top of the distributed ones.</summary>
    protected virtual void Configure(IDictionary<string, string> environment)
    {
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services.Values)
        {
            await service.DisposeAsync();
        }

        if (Databases is not null)
        {
            await Databases.DisposeAsync();
        }

        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }
    }
}
