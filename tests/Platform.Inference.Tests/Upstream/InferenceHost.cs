using System.Collections.Concurrent;
using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Billing;
using Platform.Contracts.Billing;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;
using Xunit;

namespace Platform.Inference.Tests.Upstream;

/// <summary>
/// The Inference module as its own Program.cs runs it (service defaults, module, bus), standalone
/// (in-memory bus, SQLite in a temp folder), on real Kestrel at a random loopback port. Keys resolve
/// to fixed accounts without Billing; Billing's RecordUsage is answered by <see cref="BillingUsageLog"/>,
/// which keeps every report.
/// </summary>
public sealed class InferenceHost : IAsyncDisposable
{
    public const string Key = "pk_upstream_test_key";

    public const string AdminKey = "upstream-test-admin-key";

    public static readonly Guid AccountId = Guid.Parse("6f1c7a52-1d2e-4c55-9a7e-0b0f3f7e2a11");

    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private InferenceHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public BillingUsageLog Usage => _app.Services.GetRequiredService<BillingUsageLog>();

    /// <summary>
    /// Starts Inference with <paramref name="settings"/> (configuration keys with ':', e.g. Inference:Upstream:Routes:a:BaseUrl).
    /// With <paramref name="withBilling"/> the real Billing module runs in the same host (as in standalone mode):
    /// it resolves keys and consumes RecordUsage, and its HTTP API answers on the same address.
    /// </summary>
    public static async Task<InferenceHost> StartAsync(IDictionary<string, string?> settings, bool withBilling = false)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "platform-inference-upstream-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dataDirectory, "models"));
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Inference:ModelsDirectory"] = Path.Combine(dataDirectory, "models"),
            ["Auth:AdminKey"] = AdminKey,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(PlatformServices.Inference);
        builder.AddInference();
        builder.Services.AddSingleton<BillingUsageLog>();
        if (withBilling)
        {
            builder.AddBilling();
        }
        else
        {
            builder.Services.AddBusRegistrations(bus => bus.AddConsumer<BillingUsageLog.RecordUsageConsumer>());
            builder.Services.AddScoped<IApiKeyResolver>(_ => new FixedKeyResolver(Key, AccountId));
        }

        builder.AddPlatformBus();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapInference();
        if (withBilling)
        {
            app.MapBilling();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InferenceHost(app, dataDirectory, new Uri(address));
    }

    /// <summary>Settings for routes: (name, base URL, models "client=upstream" pairs, priority), fast retries, a short timeout.</summary>
    public static Dictionary<string, string?> Route(
        Dictionary<string, string?> settings, string name, string baseUrl, string models, int priority = 0, int timeoutMs = 2000, int maxRetries = 2)
    {
        var prefix = $"Inference:Upstream:Routes:{name}:";
        settings[prefix + "BaseUrl"] = baseUrl;
        settings[prefix + "Priority"] = priority.ToString();
        settings[prefix + "TimeoutMs"] = timeoutMs.ToString();
        settings[prefix + "MaxRetries"] = maxRetries.ToString();
        settings[prefix + "RetryDelayMs"] = "10";
        foreach (var pair in models.Split(','))
        {
            var parts = pair.Split('=');
            settings[prefix + "Models:" + parts[0]] = parts.Length > 1 ? parts[1] : "";
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }

}
