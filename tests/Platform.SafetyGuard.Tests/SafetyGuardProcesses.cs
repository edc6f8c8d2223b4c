using Platform.Testing;

namespace Platform.SafetyGuard.Tests;

/// <summary>
/// Billing (which resolves API keys over the bus) and SafetyGuard as their own processes on a fresh
/// RabbitMQ virtual host and fresh PostgreSQL databases, shared by the tests of one class.
/// </summary>
public sealed class SafetyGuardProcesses : IAsyncLifetime
{
    public RabbitMqVirtualHost VirtualHost { get; private set; } = null!;

    public ServiceProcess Billing { get; private set; } = null!;

    public ServiceProcess SafetyGuard { get; private set; } = null!;

    private PostgresDatabases _databases = null!;

    public async ValueTask InitializeAsync()
    {
        VirtualHost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(VirtualHost, _databases);
        environment["SafetyGuard__MaxTextChars"] = "20000";
        environment["Bus__RequestTimeoutMs"] = "5000";
        Billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        SafetyGuard = await ServiceProcess.StartAsync("safetyguard", RepositoryPaths.ServiceDll("SafetyGuard"), environment);
    }

    public async ValueTask DisposeAsync()
    {
        await SafetyGuard.DisposeAsync();
        await Billing.DisposeAsync();
        await _databases.DisposeAsync();
        await VirtualHost.DisposeAsync();
    }
}
