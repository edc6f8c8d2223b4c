using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Billing;
using Platform.CadGenerator;
using Platform.Messaging;
using Platform.SafetyGuard;
using Platform.ServiceDefaults;

namespace Platform.Benchmarks.Scenarios.Cad;

/// <summary>
/// Billing, SafetyGuard and CadGenerator composed in one process exactly as the standalone host
/// composes them (service defaults, the three modules, the in-memory bus, SQLite and job files in a
/// temporary data directory), on Kestrel at a loopback port. A CAD job therefore takes the whole
/// platform path: API key resolved by Billing over the bus, CadJobSaga in its database, the prompt
/// guard, the credit reservation, the prompt parser, the sandboxed render, mesh validation, metering
/// and capture, and the job events through the outbox.
/// </summary>
public sealed class CadHost : IAsyncDisposable
{
    private const string AdminKey = "bench-cad-admin-key";
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private CadHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<CadHost> StartAsync(int renderConcurrency)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "bench-cad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Auth:AdminKey"] = AdminKey,
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            // No Inference here: prompts are designed by the deterministic parser (no LLM round trip to wait for).
            ["CadGenerator:Design:Model"] = "",
            ["CadGenerator:Rendering:MaxConcurrency"] = renderConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("standalone", singleService: false);
        builder.AddBilling();
        builder.AddSafetyGuard();
        builder.AddCadGenerator();
        builder.AddPlatformBus();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints(singleService: false);
        app.MapBilling();
        app.MapSafetyGuard();
        app.MapCadGenerator();
        await app.StartAsync();
        return new CadHost(app, dataDirectory, PlatformHttp.AddressOf(app));
    }

    /// <summary>A new account holding <paramref name="credits"/> micro-credits, and a client that uses its key.</summary>
    public async Task<HttpClient> CreateAccountClientAsync(long credits, long renderPricePerSecond, CancellationToken cancellationToken)
    {
        using var admin = PlatformHttp.Client(Address, AdminKey);
        await PlatformHttp.ExpectAsync(await admin.PutAsJsonAsync("/v1/prices", new { cadRenderPerSecond = renderPricePerSecond }, cancellationToken), 200, cancellationToken);
        return PlatformHttp.Client(Address, await PlatformHttp.CreateAccountKeyAsync(admin, "bench-cad", credits, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment longer; it is a temp folder.
        }
    }
}
