using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Messaging.Outbox;
using Platform.Messaging.Scheduling;

namespace Platform.Messaging;

/// <summary>The one place where the platform's bus is wired: transport, retries, error queues, endpoints.</summary>
public static class BusRegistration
{
    /// <summary>Adds consumers, sagas or request clients to the host's bus (call from a module's AddX).</summary>
    public static IServiceCollection AddBusRegistrations(this IServiceCollection services, Action<IBusRegistrationConfigurator> registration)
    {
        GetOrAddRegistrations(services).Add(registration);
        return services;
    }

    /// <summary>
    /// Keeps scheduled messages (saga timeouts) in <paramref name="databaseName"/>'s
    /// <see cref="ScheduledMessages.Table"/> instead of the broker. A host has one scheduler: when
    /// several modules ask (standalone), the first one's database holds the timers of all.
    /// </summary>
    public static IServiceCollection AddBusScheduler(this IServiceCollection services, string databaseName)
    {
        if (services.Any(d => d.ServiceType == typeof(SchedulerOptions)))
        {
            return services;
        }

        services.AddSingleton(new SchedulerOptions { DatabaseName = databaseName });
        services.AddSingleton<IScheduleMessageProvider, DatabaseScheduleMessageProvider>();
        services.AddHostedService<ScheduledMessagePoller>();
        return services;
    }

    /// <summary>
    /// Gives <paramref name="databaseName"/> a transactional outbox: its <see cref="OutboxTable.Name"/>
    /// table (add <see cref="OutboxTable.Migration"/> to that service's migrations) and a relay that
    /// publishes what commits there. Every service keeps its own outbox, also when several share one
    /// host (standalone): a message must be written in the database of the state change that caused it.
    /// <see cref="TransactionalOutbox"/> is one service for all of them; the options are keyed by <paramref name="databaseName"/>.
    /// </summary>
    public static IServiceCollection AddBusOutbox(
        this IServiceCollection services, string databaseName, Action<OutboxOptions>? configure = null)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboxOptions) && Equals(d.ServiceKey, databaseName)))
        {
            return services;
        }

        var options = new OutboxOptions { DatabaseName = databaseName };
        configure?.Invoke(options);
        var signal = new WakeSignal();
        services.AddKeyedSingleton(databaseName, options);
        services.AddSingleton(new OutboxRegistration(databaseName, signal));
        services.TryAddSingleton<TransactionalOutbox>();
        services.TryAddSingleton<OutboxOrdering>();
        services.AddSingleton<IHostedService>(provider => new OutboxRelay(
            provider, options, signal, provider.GetRequiredService<ILogger<OutboxRelay>>()));
        return services;
    }

    /// <summary>
    /// Declares what the order of <typeparamref name="T"/> messages matters against (their subject): the
    /// outbox relays of this host keep messages with one key in order and publish messages with different
    /// keys concurrently (see <see cref="OutboxOrderingKey"/>). Without a key a message type keeps the
    /// outbox's whole order, one publish at a time.
    /// </summary>
    public static IServiceCollection AddOutboxOrderingKey<T>(this IServiceCollection services, Func<T, string?> key)
        where T : class
    {
        services.AddSingleton(OutboxOrderingKey.For(key));
        return services;
    }

    /// <summary>
    /// Builds the bus from the <c>Bus</c> settings once every module has added its registrations.
    /// Consumers should be idempotent: RabbitMQ delivers at least once (a broker crash can repeat a message).
    /// </summary>
    public static IHostApplicationBuilder AddPlatformBus(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        builder.Services.AddSingleton(options);
        var registrations = GetOrAddRegistrations(builder.Services);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (context.GetService<IScheduleMessageProvider>() is { } scheduler)
                {
                    endpoint.UseFilter(new DatabaseSchedulerFilter(scheduler, context));
                }

                endpoint.UseMessageRetry(retry => retry.Intervals(options.RetryIntervalsMs));
                // Sends and publishes made while consuming leave only after the consumer succeeds,
                // so a retried message does not emit its events twice.
                endpoint.UseInMemoryOutbox(context);
            });
            bus.SetDefaultRequestTimeout(TimeSpan.FromMilliseconds(options.RequestTimeoutMs));

            registrations.ApplyTo(bus);

            switch (options.Transport)
            {
                case BusTransport.RabbitMq:
                    bus.UsingRabbitMq((context, rabbit) =>
                    {
                        rabbit.Host(options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.VirtualHost, host =>
                        {
                            host.Username(options.RabbitMq.Username);
                            host.Password(options.RabbitMq.Password);
                        });
                        // The bus-wide default; an endpoint that sets its own (e.g. Agents' tool calls, which mostly wait) keeps it.
                        rabbit.PrefetchCount = options.PrefetchCount;
                        rabbit.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    bus.UsingInMemory((context, memory) =>
                    {
                        memory.PrefetchCount = options.PrefetchCount;
                        memory.ConfigureEndpoints(context);
                    });
                    break;
            }
        });

        // MassTransit registers bus health checks tagged "ready"; the host waits for the bus to start.
        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    private static BusRegistrations GetOrAddRegistrations(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(BusRegistrations))?.ImplementationInstance;
        if (existing is BusRegistrations registrations)
        {
            return registrations;
        }

        registrations = new BusRegistrations();
        services.TryAddSingleton(registrations);
        return registrations;
    }
}
