using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Messaging;

namespace Platform.Benchmarks.Scenarios.Bus;

/// <summary>
/// Round trips through the platform's own bus wiring (<see cref="BusRegistration"/>): the same
/// AddBusRegistrations + AddPlatformBus a service host calls, on RabbitMQ, so retries, the in-memory
/// outbox, prefetch, kebab-case endpoints and publisher confirms are all in the measurement.
/// </summary>
public sealed class PlatformBusTarget : IRoundTripTarget
{
    private readonly IHost _host;
    private readonly List<AsyncServiceScope> _scopes = [];

    private PlatformBusTarget(IHost host) => _host = host;

    public static async Task<PlatformBusTarget> StartAsync(RabbitMqEnvironment rabbit, string virtualHost, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Platform.Benchmarks" });
        // Added last so it wins over appsettings and Bus__* environment variables: the benchmark decides where it runs.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = nameof(BusTransport.RabbitMq),
            ["Bus:RabbitMq:Host"] = rabbit.Host,
            ["Bus:RabbitMq:Port"] = rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RabbitMq:VirtualHost"] = virtualHost,
            ["Bus:RabbitMq:Username"] = rabbit.User,
            ["Bus:RabbitMq:Password"] = rabbit.Password,
        });
        // MassTransit logs every endpoint at Information; that would bury the table.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<BusBenchmarkPingConsumer>();
            bus.AddRequestClient<BusBenchmarkPing>();
        });
        builder.AddPlatformBus();

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new PlatformBusTarget(host);
    }

    public Task<Operation> CreateCallerAsync(CancellationToken cancellationToken)
    {
        // As a service resolves it: IRequestClient<T> from a scope (one per caller, reused across its calls).
        var scope = _host.Services.CreateAsyncScope();
        _scopes.Add(scope);
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<BusBenchmarkPing>>();

        Operation operation = async ct =>
        {
            var id = Guid.NewGuid();
            var response = await client.GetResponse<BusBenchmarkPong>(new BusBenchmarkPing(id, DateTime.UtcNow.Ticks), ct);
            if (response.Message.Id != id)
            {
                throw new InvalidOperationException($"Pong {response.Message.Id} answered ping {id}.");
            }
        };
        return Task.FromResult(operation);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }

        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
