using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Billing;
using Platform.Messaging;

namespace Platform.Benchmarks.Scenarios.Events;

/// <summary>
/// The Billing module (which hosts the events module) exactly as its service composes it
/// (AddBilling + AddPlatformBus, PostgreSQL, RabbitMQ), with webhooks allowed to reach local endpoints.
/// Disposing stops the host first: a host only disposed cancels its background services mid-call and
/// they fail the host ("BackgroundService failed") while the databases are being dropped.
/// </summary>
public sealed class EventsBillingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EventsBillingHost(IHost host)
    {
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    public static async Task<EventsBillingHost> StartAsync(
        RabbitMqEnvironment rabbit, string virtualHost, PostgresEnvironment postgres, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Platform.Billing" });
        var settings = postgres.DistributedSettings(rabbit, virtualHost);
        settings["Events:Webhooks:AllowHttp"] = "true";
        settings["Events:Webhooks:AllowPrivateAddresses"] = "true";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddBilling();
        builder.AddPlatformBus();
        var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        await host.StartAsync(cancellationToken);
        return new EventsBillingHost(host);
    }
}
