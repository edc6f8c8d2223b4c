namespace Platform.Messaging;

public enum BusTransport
{
    /// <summary>MassTransit's in-memory transport: standalone mode, all modules in one process.</summary>
    InMemory,

    /// <summary>RabbitMQ: distributed and cluster modes.</summary>
    RabbitMq,
}
