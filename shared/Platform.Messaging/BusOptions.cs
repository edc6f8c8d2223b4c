namespace Platform.Messaging;

/// <summary>Bound from the <c>Bus</c> configuration section (environment: <c>Bus__Transport</c>, ...).</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>
    /// Immediate retries before a message goes to the endpoint's <c>_error</c> queue, in milliseconds.
    /// Delayed redelivery is not used: the RabbitMQ shipped here has no delayed-message exchange.
    /// </summary>
    public int[] RetryIntervalsMs { get; set; } = [50, 200, 1000];

    /// <summary>Messages a receive endpoint fetches ahead, which also bounds its concurrency; the default for endpoints that set none (Agents:Tools:MaxConcurrentSteps sets the step endpoint's).</summary>
    public int PrefetchCount { get; set; } = 32;

    /// <summary>How long a request waits for its response before it fails.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public ushort Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";
}
