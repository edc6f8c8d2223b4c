using System.Collections.Concurrent;
using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Billing;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>
/// The Inference module as its Program.cs runs it, standalone (in-memory bus, SQLite in a temp
/// folder), on real Kestrel at a random loopback port, serving the shipped model repository. Keys
/// resolve to one fixed account without Billing; RecordUsage is answered by <see cref="BillingUsageLog"/>.
/// </summary>
public sealed class OnnxHost : IAsyncDisposable
{
    public const string Key = "pk_onnx_test_key";

    public static readonly Guid AccountId = Guid.Parse("0b1e3c1a-5d2f-4e8a-9c41-7a1d2e3f4b5c");

    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private OnnxHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public BillingUsageLog Usage => _app.Services.GetRequiredService<BillingUsageLog>();

    public static async Task<OnnxHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "platform-inference-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Inference:Device"] = "cpu",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(PlatformServices.Inference);
        builder.AddInference();
        builder.Services.AddSingleton<BillingUsageLog>();
        builder.Services.AddBusRegistrations(bus => bus.AddConsumer<BillingUsageLog.RecordUsageConsumer>());
        builder.AddPlatformBus();
        builder.Services.AddScoped<IApiKeyResolver>(_ => new FixedKeyResolver(Key, AccountId));

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapInference();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OnnxHost(app, dataDirectory, new Uri(address));
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
