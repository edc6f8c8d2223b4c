namespace Platform.Events.Webhooks;

/// <summary>One delivery of one event to one endpoint (a replay is a delivery of its own), for the delivery log.</summary>
public sealed class WebhookDelivery
{
    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string SubscriptionId { get; set; } = "";

    public string EventId { get; set; } = "";

    public string EventType { get; set; } = "";

    public string Status { get; set; } = "";

    public int Attempts { get; set; }

    public long NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public long CreatedAt { get; set; }

    public long? CompletedAt { get; set; }
}

/// <summary>One attempt of a delivery: what the endpoint answered (status code) or why it failed.</summary>
public sealed class WebhookAttempt
{
    public string DeliveryId { get; set; } = "";

    public int Attempt { get; set; }

    public long StartedAt { get; set; }

    public long DurationMs { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }
}

/// <summary>A delivery as the endpoint worker needs it: the row and the CloudEvent body to send.</summary>
public sealed class QueuedDelivery
{
    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string EventId { get; set; } = "";

    public string EventType { get; set; } = "";

    public int Attempts { get; set; }

    public long EventLoggedAt { get; set; }

    public string Body { get; set; } = "";
}
