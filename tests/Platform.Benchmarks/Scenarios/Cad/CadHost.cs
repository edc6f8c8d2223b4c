using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CadHost(app, dataDirectory, new Uri(address));
    }

    /// <summary>A new account holding <paramref name="credits"/> micro-credits, and a client that uses its key.</summary>
    public async Task<HttpClient> CreateAccountClientAsync(long credits, long renderPricePerSecond, CancellationToken cancellationToken)
    {
        using var admin = Client(AdminKey);
        await ExpectAsync(await admin.PutAsJsonAsync("/v1/prices", new { cadRenderPerSecond = renderPricePerSecond }, cancellationToken), 200, cancellationToken);
        var account = await ExpectAsync(await admin.PostAsJsonAsync("/v1/accounts", new { name = "bench-cad" }, cancellationToken), 201, cancellationToken);
        var accountId = account.GetProperty("id").GetString();
        await ExpectAsync(await admin.PostAsJsonAsync($"/v1/accounts/{accountId}/deposits",
            new { transferId = "bench-deposit-" + Guid.NewGuid().ToString("N"), amount = credits }, cancellationToken), 201, cancellationToken);
        var key = await ExpectAsync(await admin.PostAsJsonAsync($"/v1/accounts/{accountId}/keys", new { name = "bench" }, cancellationToken), 201, cancellationToken);
        return Client(key.GetProperty("key").GetString()!);
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status, CancellationToken cancellationToken)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode != status)
            {
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {status}: {text}");
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
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
