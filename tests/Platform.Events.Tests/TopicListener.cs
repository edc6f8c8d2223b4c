using System.Collections.Concurrent;
using Platform.Events.Topics;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.Events.Tests;

/// <summary>
/// What a business system does with plain RabbitMQ.Client (or what Dapr's pubsub.rabbitmq does for
/// it): declares the topic exchange with the same arguments, binds its own queue with a routing key,
/// and consumes. Declaring with the publisher's arguments also proves they match (a mismatch closes
/// the channel with PRECONDITION_FAILED).
/// </summary>
public sealed class TopicListener : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private TopicListener(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<TopicMessage> Messages { get; } = new();

    public static async Task<TopicListener> StartAsync(string virtualHost, IReadOnlyList<(string Topic, string RoutingKey)> bindings)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestServers.RabbitMqHost,
            Port = TestServers.RabbitMqPort,
            VirtualHost = virtualHost,
            UserName = TestServers.RabbitMqUser,
            Password = TestServers.RabbitMqPassword,
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var listener = new TopicListener(connection, channel);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var (topic, routingKey) in bindings)
        {
            await channel.ExchangeDeclareAsync(topic, RabbitMqTopicPublisher.ExchangeKind, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, topic, routingKey);
        }

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            listener.Messages.Enqueue(new TopicMessage(
                delivery.Exchange, delivery.RoutingKey, delivery.BasicProperties.ContentType, delivery.BasicProperties.MessageId,
                delivery.BasicProperties.DeliveryMode, delivery.Body.ToArray()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public sealed record TopicMessage(string Exchange, string RoutingKey, string? ContentType, string? MessageId, DeliveryModes DeliveryMode, byte[] Body)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}
