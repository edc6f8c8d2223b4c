using Microsoft.Extensions.Logging;
using Platform.Events.CloudEvents;
using Platform.Messaging;
using RabbitMQ.Client;

namespace Platform.Events.Topics;

/// <summary>
/// Publishes CloudEvents the way Dapr's <c>pubsub.rabbitmq</c> component reads them: one exchange per
/// topic, named as the topic (<c>platform.billing</c>, ...), of kind <c>topic</c>, durable and not
/// auto-deleted, the routing key being the event type; the body is the structured-mode CloudEvent with
/// content type <c>application/cloudevents+json</c>, persistent, message id = event id. A Dapr component
/// must declare exchanges the same way (<c>exchangeKind: topic</c>, <c>durable: "true"</c>,
/// <c>deletedWhenUnused: "false"</c>; see infra/dapr). Publisher confirms: a publish returns once the
/// broker has taken the message, or throws, and the caller (the bus consumer) retries.
/// </summary>
public sealed class RabbitMqTopicPublisher(RabbitMqOptions rabbit, ILogger<RabbitMqTopicPublisher> logger) : ITopicPublisher, IAsyncDisposable
{
    public const string ExchangeKind = ExchangeType.Topic;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task PublishAsync(IReadOnlyList<(string Topic, CloudEvent Event)> events, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            foreach (var topic in events.Select(e => e.Topic).Distinct())
            {
                if (_declared.Add(topic))
                {
                    await channel.ExchangeDeclareAsync(topic, ExchangeKind, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                }
            }

            // Started in order and awaited together: the client writes them in call order and the
            // confirms come back for the whole batch at once (RabbitMQ.Client 7's batched confirms).
            var confirms = new List<Task>(events.Count);
            foreach (var (topic, cloudEvent) in events)
            {
                var properties = new BasicProperties
                {
                    ContentType = CloudEvent.ContentType,
                    MessageId = cloudEvent.Id,
                    Type = cloudEvent.Type,
                    DeliveryMode = DeliveryModes.Persistent,
                    Timestamp = new AmqpTimestamp(cloudEvent.Time.ToUnixTimeSeconds()),
                };
                confirms.Add(channel.BasicPublishAsync(topic, cloudEvent.Type, mandatory: false, properties, cloudEvent.Body, cancellationToken).AsTask());
            }

            await Task.WhenAll(confirms);

            foreach (var (topic, _) in events)
            {
                EventsTelemetry.TopicPublished.Add(1, new KeyValuePair<string, object?>("topic", topic));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Publishing {Count} events to their topics failed; reconnecting on the next attempt", events.Count);
            _declared.Clear();
            await ResetAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await ResetAsync();
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "platform-events-topics",
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        return _channel;
    }

    private async Task ResetAsync()
    {
        _declared.Clear();
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection) = (null, null);
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Closing the topic connection failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await ResetAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
