using Platform.ServiceDefaults;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Foundation.Tests;

/// <summary>The standalone host runs all seven modules in one process: nothing needed but .NET.</summary>
public sealed class StandaloneHostTests : IAsyncLifetime
{
    private readonly Dictionary<string, int> _ports = PlatformServices.All.ToDictionary(s => s, _ => FreePort.Next());
    private readonly string _data = Path.Combine(Path.GetTempPath(), "platform-standalone-" + Guid.NewGuid().ToString("N")[..8]);
    private ServiceProcess _host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var environment = PlatformSettings.Standalone(_data);
        environment.Remove("Auth__AdminKey");
        foreach (var (service, port) in _ports)
        {
            environment[$"Standalone__Ports__{service}"] = port.ToString();
        }

        // The host listens on its own ports; the first URL is only where the tests ask for health.
        _host = await ServiceProcess.StartAsync(
            "standalone",
            RepositoryPaths.ProgramDll(Path.Combine("aspire", "Platform.Standalone"), "Platform.Standalone"),
            environment,
            urls: [$"http://127.0.0.1:{_ports[PlatformServices.Billing]}"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Serves_all_seven_OpenApi_documents_each_on_its_own_port()
    {
        foreach (var (service, port) in _ports)
        {
            using var response = await _host.Client.GetAsync($"http://127.0.0.1:{port}/openapi/v1.json", Cancel);
            var document = await ReadJsonAsync(response, 200);
            Assert.Contains(service, document.GetProperty("info").GetProperty("title").GetString());
            Assert.True(document.GetProperty("paths").EnumerateObject().Any(), $"{service}'s document has no paths");
        }
    }

    [Fact]
    public async Task Prints_each_API_url_and_generates_an_admin_key_it_accepts()
    {
        foreach (var port in _ports.Values)
        {
            Assert.Contains($"http://127.0.0.1:{port}", _host.Output);
        }

        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_data, "admin.key"), Cancel)).Trim();
        var billing = $"http://127.0.0.1:{_ports[PlatformServices.Billing]}";
        using var created = await _host.Client.SendAsync(Request(HttpMethod.Post, $"{billing}/v1/accounts", adminKey, new { name = "laptop" }), Cancel);
        var account = await ReadJsonAsync(created, 201);
        Assert.Equal("laptop", account.GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(_data, "billing.db")), "Billing keeps its SQLite file under the data directory");
    }

    [Fact]
    public async Task A_module_answers_only_on_its_own_port()
    {
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(_data, "admin.key"), Cancel)).Trim();
        var ingest = $"http://127.0.0.1:{_ports[PlatformServices.Ingest]}";

        using var response = await _host.Client.SendAsync(Request(HttpMethod.Get, $"{ingest}/v1/accounts", adminKey), Cancel);

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Is_ready_with_every_module_database_and_the_in_memory_bus()
    {
        using var response = await _host.Client.GetAsync("/health/ready", Cancel);
        var checks = (await ReadJsonAsync(response, 200)).GetProperty("checks");

        foreach (var service in PlatformServices.All)
        {
            Assert.Contains("Sqlite", checks.GetProperty($"database-{service}").GetProperty("description").GetString());
        }

        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
    }
}
