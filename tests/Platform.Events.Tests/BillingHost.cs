using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Billing;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.Storage;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// Billing (with the events module it hosts) in this process, on a real Kestrel port, composed exactly
/// as its Program.cs composes it. Tests reach its services (the outbox, to publish other services'
/// catalogue records as their owners would) and its HTTP API.
/// </summary>
public sealed class BillingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BillingHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public Database Database => Services.GetRequiredKeyedService<Database>(BillingModule.Name);

    public static async Task<BillingHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["urls"] = url;
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(PlatformServices.Billing);
        builder.AddBilling();
        builder.AddPlatformBus();
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapBilling();
        LogContext.ConfigureCurrentLogContext(app.Services.GetRequiredService<ILoggerFactory>());
        await app.StartAsync();
        return new BillingHost(app, new Uri(url));
    }

    public Task<(string AccountId, string Key)> CreateAccountAsync() => CreateAccountWithKeyAsync(Client);

    public async Task DepositAsync(string accountId, string transferId, long amount)
    {
        using var response = await Client.SendAsync(Request(
            HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey, new { transferId, amount }));
        await ReadJsonAsync(response, 201);
    }

    public async Task StopAsync()
    {
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
