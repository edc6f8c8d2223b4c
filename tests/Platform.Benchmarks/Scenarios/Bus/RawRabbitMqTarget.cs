using System.Text.Json;
using Platform.Benchmarks.Framework;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.Benchmarks.Scenarios.Bus;

/// <summary>
/// The baseline: a hand-written RPC over RabbitMQ.Client (the client MassTransit itself uses).
/// The server consumes a queue with manual acks and the platform's prefetch, and answers to the
/// request's reply-to with its correlation id; each caller has its own channel and receives on
/// direct reply-to (<c>amq.rabbitmq.reply-to</c>), RabbitMQ's fastest RPC path. Messages are
/// transient and unconfirmed, as a minimal RPC would send them.
/// </summary>
public sealed class RawRabbitMqTarget : IRoundTripTarget
{
    private const string QueueName = "raw-rpc-ping";
    private const string DirectReplyTo = "amq.rabbitmq.reply-to";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly IConnection _connection;
    private readonly IChannel _serverChannel;
    private readonly List<IChannel> _callerChannels = [];

    private RawRabbitMqTarget(IConnection connection, IChannel serverChannel)
    {
        _connection = connection;
        _serverChannel = serverChannel;
    }

    public static async Task<RawRabbitMqTarget> StartAsync(RabbitMqEnvironment rabbit, string virtualHost, ushort prefetch, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = virtualHost,
            UserName = rabbit.User,
            Password = rabbit.Password,
            ClientProvidedName = "platform-benchmarks-raw",
        };
        // One connection for server and callers, as the MassTransit bus uses one connection for both.
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var server = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await server.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await server.BasicQosAsync(0, prefetch, global: false, cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(server);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            // The body is only valid inside the handler; deserialising here is the copy.
            var ping = JsonSerializer.Deserialize<BusBenchmarkPing>(delivery.Body.Span)
                ?? throw new InvalidOperationException("Empty ping.");
            var body = JsonSerializer.SerializeToUtf8Bytes(new BusBenchmarkPong(ping.Id, ping.SentAtTicks));
            var properties = new BasicProperties { CorrelationId = delivery.BasicProperties.CorrelationId, ContentType = "application/json" };
            await server.BasicPublishAsync(string.Empty, delivery.BasicProperties.ReplyTo!, mandatory: false, properties, body, delivery.CancellationToken);
            await server.BasicAckAsync(delivery.DeliveryTag, multiple: false, delivery.CancellationToken);
        };
        await server.BasicConsumeAsync(QueueName, autoAck: false, consumer, cancellationToken);
        return new RawRabbitMqTarget(connection, server);
    }

    public async Task<Operation> CreateCallerAsync(CancellationToken cancellationToken)
    {
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        _callerChannels.Add(channel);

        // One call in flight per caller, so one pending slot; the correlation id guards against strays.
        TaskCompletionSource<BusBenchmarkPong>? pending = null;
        string? pendingId = null;

        var replies = new AsyncEventingBasicConsumer(channel);
        replies.ReceivedAsync += (_, delivery) =>
        {
            var waiting = Volatile.Read(ref pending);
            if (waiting is not null && delivery.BasicProperties.CorrelationId == Volatile.Read(ref pendingId))
            {
                var pong = JsonSerializer.Deserialize<BusBenchmarkPong>(delivery.Body.Span);
                waiting.TrySetResult(pong ?? throw new InvalidOperationException("Empty pong."));
            }

            return Task.CompletedTask;
        };
        // Direct reply-to requires no-ack consumption on the same channel that publishes the request.
        await channel.BasicConsumeAsync(DirectReplyTo, autoAck: true, replies, cancellationToken);

        return async ct =>
        {
            var id = Guid.NewGuid();
            var correlationId = id.ToString("N");
            var completion = new TaskCompletionSource<BusBenchmarkPong>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref pendingId, correlationId);
            Volatile.Write(ref pending, completion);

            var body = JsonSerializer.SerializeToUtf8Bytes(new BusBenchmarkPing(id, DateTime.UtcNow.Ticks));
            var properties = new BasicProperties { CorrelationId = correlationId, ReplyTo = DirectReplyTo, ContentType = "application/json" };
            await channel.BasicPublishAsync(string.Empty, QueueName, mandatory: false, properties, body, ct);

            var pong = await completion.Task.WaitAsync(Timeout, ct);
            if (pong.Id != id)
            {
                throw new InvalidOperationException($"Pong {pong.Id} answered ping {id}.");
            }
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _callerChannels)
        {
            await channel.CloseAsync();
            channel.Dispose();
        }

        await _serverChannel.CloseAsync();
        _serverChannel.Dispose();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
