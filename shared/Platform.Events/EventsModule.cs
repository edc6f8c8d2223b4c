using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Events.Api;
using Platform.Events.Catalogue;
using Platform.Events.Ingestion;
using Platform.Events.Log;
using Platform.Events.Topics;
using Platform.Events.Webhooks;
using Platform.Messaging;
using Platform.Storage;

namespace Platform.Events;

/// <summary>
/// Events for business systems, hosted by the service that owns accounts (Billing calls
/// <see cref="AddEvents"/> and <see cref="MapEvents"/> from its module, so the standalone host has it too).
/// Every catalogue record on the bus is taken from one queue in bus order (on RabbitMQ in batches by
/// <see cref="RabbitMqEventSource"/>; in memory one message at a time), turned into a CloudEvent, logged in the host's database with its webhook deliveries, and
/// published to its topic exchange (RabbitMQ transport only). The host adds
/// <see cref="EventTables.Migration"/> to its migrations.
/// </summary>
public static class EventsModule
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder, string databaseName)
    {
        var options = builder.Configuration.GetSection(EventsOptions.SectionName).Get<EventsOptions>() ?? new EventsOptions();
        var bus = builder.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new EventsDatabase(services.GetRequiredKeyedService<Database>(databaseName)));
        builder.Services.AddSingleton<EventLogStore>();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.AddSingleton(services => new WebhookSender(options.Webhooks, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddSingleton<EventIngestor>();
        // Catalogue records written to this host's outboxes (Billing's ledger events; every module's in
        // standalone) are ordered by subject, so their relay can publish many at once.
        foreach (var definition in EventCatalogue.All)
        {
            builder.Services.AddSingleton(definition.OrderingKey);
        }

        if (bus.Transport == BusTransport.RabbitMq && options.PublishTopics)
        {
            builder.Services.AddSingleton<ITopicPublisher>(services => new RabbitMqTopicPublisher(
                bus.RabbitMq, services.GetRequiredService<ILogger<RabbitMqTopicPublisher>>()));
        }
        else
        {
            builder.Services.AddSingleton<ITopicPublisher, NoTopicPublisher>();
        }

        if (bus.Transport == BusTransport.RabbitMq)
        {
            // Its own consumer on RabbitMQ: batches in bus order, one commit per batch.
            builder.Services.AddHostedService(services => new RabbitMqEventSource(
                bus.RabbitMq, options, services.GetRequiredService<EventIngestor>(), services.GetRequiredService<ILogger<RabbitMqEventSource>>()));
        }
        else
        {
            // In memory (standalone): one endpoint for every catalogue record, one message at a time, since a
            // second concurrent delivery could overtake the first (events of one subject would swap).
            builder.Services.AddBusRegistrations(registrations =>
            {
                foreach (var definition in EventCatalogue.All)
                {
                    definition.AddConsumer(registrations, endpoint =>
                    {
                        endpoint.Name = options.EndpointName;
                        endpoint.ConcurrentMessageLimit = 1;
                    });
                }
            });
        }

        return builder;
    }

    /// <summary>Maps <c>/v1/webhooks</c> and <c>/v1/events</c> onto the host's route group.</summary>
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWebhooksApi();
        endpoints.MapEventsApi();
        return endpoints;
    }
}
