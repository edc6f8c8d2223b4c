namespace Platform.Events.Webhooks;

/// <summary>A delivery's state, stored as these words.</summary>
public static class DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    public const string Pending = "pending";

    /// <summary>The endpoint answered 2xx.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Every attempt failed: dead-lettered, kept for the delivery log and replay.</summary>
    public const string Dead = "dead";

    /// <summary>The subscription was deleted before the delivery succeeded.</summary>
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Pending, Succeeded, Dead, Cancelled];
}
