using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Agents.Tests;

/// <summary>Standalone mode: the standalone host (every module in one process, SQLite files, the in-memory bus).</summary>
public sealed class StandalonePlatform : AgentsPlatform
{
    private readonly Dictionary<string, int> _ports = PlatformServices.All.ToDictionary(s => s, _ => FreePort.Next());
    private readonly string _data = Path.Combine(Path.GetTempPath(), "agents-standalone-" + Guid.NewGuid().ToString("N")[..8]);
    private ServiceProcess _host = null!;
    private HttpClient _agents = null!;
    private HttpClient _billing = null!;
    private HttpClient _safetyGuard = null!;

    public override HttpClient Agents => _agents;

    public override HttpClient Billing => _billing;

    public override HttpClient SafetyGuard => _safetyGuard;

    /// <summary>CadGenerator's API (standalone only: the distributed fixture runs no CadGenerator).</summary>
    public HttpClient Cad { get; private set; } = null!;

    public override string Diagnostics() => _host.Tail(60);

    protected override async Task StartServicesAsync()
    {
        var environment = PlatformSettings.Standalone(_data);
        foreach (var (service, port) in _ports)
        {
            environment[$"Standalone__Ports__{service}"] = port.ToString();
        }

        AgentsSettings.ApplyTo(environment);
        _host = await ServiceProcess.StartAsync("standalone",
            RepositoryPaths.ProgramDll(Path.Combine("aspire", "Platform.Standalone"), "Platform.Standalone"),
            environment, urls: [$"http://127.0.0.1:{_ports[PlatformServices.Agents]}"], readyTimeout: TimeSpan.FromSeconds(120));
        _agents = Client(PlatformServices.Agents);
        _billing = Client(PlatformServices.Billing);
        _safetyGuard = Client(PlatformServices.SafetyGuard);
        Cad = Client(PlatformServices.CadGenerator);
    }

    protected override async Task StopServicesAsync()
    {
        _agents?.Dispose();
        _billing?.Dispose();
        _safetyGuard?.Dispose();
        Cad?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private HttpClient Client(string service) => new() { BaseAddress = new Uri($"http://127.0.0.1:{_ports[service]}"), Timeout = TimeSpan.FromSeconds(30) };
}

/// <summary>Agents settings the tests use in both modes: short retries, so retry and expiry tests stay quick.</summary>
public static class AgentsSettings
{
    public static void ApplyTo(IDictionary<string, string> environment)
    {
        environment["Agents__Runs__RetryBaseDelayMs"] = "100";
        environment["Agents__Runs__DefaultStepEstimate"] = AgentsPlatform.ToolCallPrice.ToString();
        environment["Agents__Runs__ServiceTimeoutSeconds"] = "30";
    }
}

[CollectionDefinition(Name)]
public sealed class StandaloneCollection : ICollectionFixture<StandalonePlatform>
{
    public const string Name = "agents standalone";
}
