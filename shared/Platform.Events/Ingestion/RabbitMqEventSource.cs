using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MassTransit.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Events.Catalogue;
using Platform.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Platform.Events.Ingestion;

/// <summary>
/// On RabbitMQ, takes the catalogue records off the bus in batches, in order: one durable queue
/// (<see cref="EventsOptions.EndpointName"/>) bound to the exchange MassTransit publishes each record
/// type to (<c>Namespace:Type</c>, fanout), one consumer that hands deliveries on in the order they
/// arrive, and one loop that ingests whatever has arrived (up to <see cref="EventsOptions.IngestBatchSize"/>)
/// in one transaction and then acks it with one multiple-ack. A MassTransit consumer would have to take
/// one message at a time to keep the order, i.e. one commit per event. A failed batch closes the channel:
/// RabbitMQ requeues its messages in their places and they come again (the log drops repeats by id).
/// A message that cannot be read is copied to <c>{queue}_error</c> and acknowledged, never dropped. The consumer
/// is exclusive, so of several hosts only one ingests at a time (the others take over when it goes).
/// </summary>
public sealed class RabbitMqEventSource(RabbitMqOptions rabbit, EventsOptions options, EventIngestor ingestor, ILogger<RabbitMqEventSource> logger)
    : BackgroundService
{
    // The options MassTransit wrote the envelope with (its converters for enums, dates and numbers).
    private static JsonSerializerOptions MassTransitJson => SystemTextJsonMessageSerializer.Options;

    private static readonly Dictionary<string, EventDefinition> ByUrn =
        EventCatalogue.All.ToDictionary(d => $"urn:message:{ExchangeOf(d.RecordType)}", StringComparer.Ordinal);

    /// <summary>The exchange MassTransit publishes <paramref name="recordType"/> to (its default entity name).</summary>
    public static string ExchangeOf(Type recordType) => $"{recordType.Namespace}:{recordType.Name}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == Constants.AccessRefused)
            {
                logger.LogDebug("Another host consumes queue {Queue}; waiting to take over", options.EndpointName);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Event ingestion from RabbitMQ stopped; its unacknowledged messages are requeued; reconnecting");
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var batchSize = Math.Max(1, options.IngestBatchSize);
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "platform-events-ingestion",
        };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        // Confirms on: an unreadable message is acknowledged only once the broker holds its copy in the error queue.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        var queue = options.EndpointName;
        var errorQueue = queue + "_error";
        await channel.QueueDeclareAsync(errorQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
        // No queue arguments: the same declaration MassTransit made for this endpoint before ingestion had its
        // own consumer, so an existing queue (with the events it holds) is taken over rather than refused.
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
        foreach (var definition in EventCatalogue.All)
        {
            var exchange = ExchangeOf(definition.RecordType);
            // As MassTransit declares its publish exchanges, so either may come first.
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: stoppingToken);
            await channel.QueueBindAsync(queue, exchange, "", cancellationToken: stoppingToken);
        }

        await channel.BasicQosAsync(0, (ushort)Math.Min(ushort.MaxValue, batchSize * 2), false, stoppingToken);
        var arrived = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // Deliveries come one at a time, in queue order; the loop below keeps that order.
            arrived.Writer.TryWrite(new Delivery(delivery.DeliveryTag, delivery.Body.ToArray(), TraceParentOf(delivery.BasicProperties)));
            return Task.CompletedTask;
        };
        consumer.ShutdownAsync += (_, _) =>
        {
            arrived.Writer.TryComplete();
            return Task.CompletedTask;
        };

        // An exclusive consumer: with several hosts (instances of Billing) one takes the queue and the others
        // wait for it to go (ACCESS_REFUSED, retried below), since two consumers would interleave the order.
        await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: true, arguments: null, consumer, stoppingToken);
        logger.LogInformation("Taking catalogue events from queue {Queue} in batches of up to {BatchSize}", queue, batchSize);

        var batch = new List<IncomingRecord>(batchSize);
        while (await arrived.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            ulong last = 0;
            while (batch.Count < batchSize && arrived.Reader.TryRead(out var delivery))
            {
                last = delivery.Tag;
                if (TryRead(delivery, out var record))
                {
                    batch.Add(record);
                }
                else
                {
                    // Kept, not dropped: copied to the error queue (confirmed) and then acknowledged with the batch.
                    await channel.BasicPublishAsync("", errorQueue, mandatory: true,
                        new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, delivery.Body, stoppingToken);
                }
            }

            if (batch.Count > 0)
            {
                // Logged (committed) and published to the topics before anything is acknowledged: a crash
                // before the ack redelivers the batch and the log drops the repeats by id.
                await ingestor.IngestAsync(batch, stoppingToken);
            }

            await channel.BasicAckAsync(last, multiple: true, stoppingToken);
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            throw new InvalidOperationException("The RabbitMQ channel of event ingestion was closed.");
        }
    }

    private bool TryRead(Delivery delivery, out IncomingRecord record)
    {
        record = null!;
        try
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var root = envelope.RootElement;
            var definition = root.GetProperty("messageType").EnumerateArray()
                .Select(urn => ByUrn.GetValueOrDefault(urn.GetString() ?? ""))
                .FirstOrDefault(d => d is not null);
            if (definition is null || !Guid.TryParse(root.GetProperty("messageId").GetString(), out var messageId))
            {
                logger.LogError("Message {Tag} on the events queue is no catalogue record; moved to the error queue", delivery.Tag);
                return false;
            }

            var message = root.GetProperty("message").Deserialize(definition.RecordType, MassTransitJson)!;
            record = new IncomingRecord(message, messageId, delivery.TraceParent);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or NotSupportedException)
        {
            logger.LogError(exception, "Message {Tag} on the events queue cannot be read; moved to the error queue", delivery.Tag);
            return false;
        }
    }

    private static string? TraceParentOf(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("traceparent", out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;

    private sealed record Delivery(ulong Tag, byte[] Body, string? TraceParent);
}
