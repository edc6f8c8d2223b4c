namespace Platform.Events;

/// <summary>Bound from the <c>Events</c> configuration section (environment: <c>Events__Webhooks__AllowHttp</c>, ...).</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>The queue that takes every catalogue record off the bus, in order.</summary>
    public string EndpointName { get; set; } = "platform-events";

    /// <summary>On RabbitMQ: most records taken from the queue, logged and acknowledged together (one transaction).</summary>
    public int IngestBatchSize { get; set; } = 500;

    /// <summary>Publish each CloudEvent to its topic exchange (Dapr's pubsub.rabbitmq shape); only on the RabbitMQ transport.</summary>
    public bool PublishTopics { get; set; } = true;

    public WebhookOptions Webhooks { get; set; } = new();
}

public sealed class WebhookOptions
{
    /// <summary>Accept <c>http://</c> endpoint URLs (otherwise only <c>https://</c>).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Accept endpoints on loopback, private, link-local and other non-public addresses. Off by default:
    /// a webhook must not become a way to reach the platform's own network (SSRF). Checked when the
    /// subscription is created and again for every address a delivery connects to.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one delivery attempt may take (connect, send, answer) before it counts as failed.</summary>
    public int TimeoutMs { get; set; } = 10_000;

    /// <summary>Attempts per delivery; after the last failed one the delivery is dead-lettered (status <c>dead</c>).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Wait after the first failed attempt; it doubles with each further failure, up to <see cref="RetryMaxDelayMs"/>.</summary>
    public int RetryBaseDelayMs { get; set; } = 10_000;

    /// <summary>Longest wait between two attempts of a delivery (six hours by default).</summary>
    public int RetryMaxDelayMs { get; set; } = 6 * 60 * 60 * 1000;

    /// <summary>Endpoints delivered to at the same time by one instance (each endpoint has its own ordered queue).</summary>
    public int MaxConcurrentEndpoints { get; set; } = 64;

    /// <summary>Webhook subscriptions one account may have; creating one more answers 409.</summary>
    public int MaxSubscriptionsPerAccount { get; set; } = 25;

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it.</summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>Deliveries an endpoint worker takes from its queue at a time.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long an instance holds an endpoint's queue; renewed while it delivers.</summary>
    public int LeaseMs { get; set; } = 30_000;

    /// <summary>After a secret rotation, how long the previous secret still signs deliveries unless the request says otherwise.</summary>
    public int DefaultRotationOverlapSeconds { get; set; } = 24 * 60 * 60;
}
