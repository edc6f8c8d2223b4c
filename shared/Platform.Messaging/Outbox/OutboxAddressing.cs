namespace Platform.Messaging.Outbox;

/// <summary>
/// How an outbox message leaves: published (no destination) or sent to one endpoint, and, for a
/// request that expects an answer (a saga asking Billing to reserve credits), the request id and
/// the address the answer goes to. The relay sets them on the message as MassTransit's own request
/// client would, so the responder answers as usual.
/// </summary>
public sealed record OutboxAddressing
{
    /// <summary>Send to this endpoint (e.g. <c>queue:reserve-credits</c>) instead of publishing.</summary>
    public Uri? Destination { get; init; }

    public Guid? RequestId { get; init; }

    public Uri? ResponseAddress { get; init; }

    /// <summary>A published request answered to <paramref name="responseAddress"/> with <paramref name="requestId"/>.</summary>
    public static OutboxAddressing Request(Guid requestId, Uri responseAddress) =>
        new() { RequestId = requestId, ResponseAddress = responseAddress };
}
