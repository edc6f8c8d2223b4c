using System.Text;
using Platform.Contracts.CadGenerator;
using Platform.Events.Catalogue;
using Platform.Events.Ingestion;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.Events.Tests;

/// <summary>
/// Ingestion on RabbitMQ (<see cref="RabbitMqEventSource"/>): a message on the events queue that cannot
/// be read is kept in <c>platform-events_error</c>, not dropped, and does not stop the events behind it.
/// </summary>
public sealed class IngestionQueueTests
{
    [Fact]
    public async Task An_unreadable_message_goes_to_the_error_queue_and_the_events_behind_it_still_arrive()
    {
        await using var environment = await EventsEnvironment.CreateAsync("distributed");
        await using var host = await BillingHost.StartAsync(environment.Settings);
        await using var topic = await TopicListener.StartAsync(environment.VirtualHost!.Name, [("platform.cadgenerator", "#")]);
        var factory = new ConnectionFactory
        {
            HostName = TestServers.RabbitMqHost,
            Port = TestServers.RabbitMqPort,
            VirtualHost = environment.VirtualHost.Name,
            UserName = TestServers.RabbitMqUser,
            Password = TestServers.RabbitMqPassword,
        };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);

        // Where MassTransit publishes CadJobFailed (the events queue is bound to it once ingestion started).
        await Wait.ForAsync(async () =>
        {
            var declared = await channel.QueueDeclarePassiveAsync("platform-events", TestContext.Current.CancellationToken);
            return declared.ConsumerCount == 1;
        }, "event ingestion to consume its queue");
        var poison = Encoding.UTF8.GetBytes("{\"messageType\": [\"urn:message:Platform.Contracts.CadGenerator:CadJobFailed\"], \"message\": 42");
        await channel.BasicPublishAsync(
            RabbitMqEventSource.ExchangeOf(typeof(CadJobFailed)), "", mandatory: false,
            new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, poison, TestContext.Current.CancellationToken);

        var definition = EventCatalogue.ForRecord(typeof(CadJobFailed));
        var id = await CatalogueRecords.PublishAsync(host, CatalogueRecords.Sample(definition, Guid.NewGuid(), Guid.NewGuid()));
        await Wait.ForAsync(() => topic.Messages.Any(m => m.MessageId == id.ToString("D")), "the event published after the unreadable message");

        var kept = await channel.BasicGetAsync("platform-events_error", autoAck: true, TestContext.Current.CancellationToken);
        Assert.NotNull(kept);
        Assert.Equal(poison, kept.Body.ToArray());
        var events = await channel.QueueDeclarePassiveAsync("platform-events", TestContext.Current.CancellationToken);
        Assert.Equal(0u, events.MessageCount);
    }
}
