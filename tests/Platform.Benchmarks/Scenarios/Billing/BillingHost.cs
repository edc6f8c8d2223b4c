using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Billing;
using Platform.Contracts.Billing;
using Platform.Messaging;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>
/// Two hosts in this process, each with its own RabbitMQ connection: the Billing module exactly
/// as its service composes it (AddBilling + AddPlatformBus, PostgreSQL storage), and a client host
/// with only request clients, as another service would have.
/// </summary>
public sealed class BillingHost : IAsyncDisposable
{
    private BillingHost(IHost billing, IHost client)
    {
        Billing = billing;
        Client = client;
    }

    public IHost Billing { get; }

    public IHost Client { get; }

    public static async Task<BillingHost> StartAsync(
        RabbitMqEnvironment rabbit, string virtualHost, PostgresEnvironment postgres, int prefetch, CancellationToken cancellationToken)
    {
        var settings = postgres.DistributedSettings(rabbit, virtualHost);
        settings["Bus:PrefetchCount"] = prefetch.ToString(CultureInfo.InvariantCulture);
        settings["Bus:RequestTimeoutMs"] = "30000";

        var billingBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Platform.Billing" });
        billingBuilder.Configuration.AddInMemoryCollection(settings);
        billingBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        billingBuilder.Services.AddSingleton(TimeProvider.System);
        billingBuilder.AddBilling();
        billingBuilder.AddPlatformBus();
        var billing = billingBuilder.Build();
        await billing.StartAsync(cancellationToken);

        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Platform.Benchmarks" });
        clientBuilder.Configuration.AddInMemoryCollection(settings);
        clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        clientBuilder.Services.AddBusRegistrations(bus =>
        {
            bus.AddRequestClient<ReserveCredits>();
            bus.AddRequestClient<CaptureCredits>();
            bus.AddRequestClient<ReserveCreditsBatch>();
            bus.AddRequestClient<CaptureCreditsBatch>();
        });
        clientBuilder.AddPlatformBus();
        var client = clientBuilder.Build();
        await client.StartAsync(cancellationToken);

        return new BillingHost(billing, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.StopAsync(CancellationToken.None);
        Client.Dispose();
        await Billing.StopAsync(CancellationToken.None);
        Billing.Dispose();
    }
}
