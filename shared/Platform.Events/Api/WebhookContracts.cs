using Platform.Events.Webhooks;

namespace Platform.Events.Api;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? EventTypes, string? Description);

public sealed record RotateSecretRequest(int? OverlapSeconds);

public sealed record ReplayRequest(IReadOnlyList<string?>? EventIds, DateTimeOffset? From, DateTimeOffset? To);

public sealed record WebhookResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretExpiresAt)
{
    public static WebhookResponse From(WebhookSubscription s, long nowMs) => new(
        s.Id, s.Url, s.Types, s.Description, DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt),
        s.PreviousExpiresAtMs is { } expires && expires > nowMs ? DateTimeOffset.FromUnixTimeMilliseconds(expires) : null);
}

/// <summary>The answer to a creation: the only time the signing secret is shown, besides a rotation.</summary>
public sealed record CreatedWebhookResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, DateTimeOffset CreatedAt, string Secret);

public sealed record RotatedSecretResponse(string Id, string Secret, DateTimeOffset PreviousSecretExpiresAt);

public sealed record WebhookList(IReadOnlyList<WebhookResponse> Items);

public sealed record DeliveryResponse(
    string Id,
    string EventId,
    string EventType,
    string Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    public static DeliveryResponse From(WebhookDelivery d) => new(
        d.Id, d.EventId, d.EventType, d.Status, d.Attempts,
        d.Status == DeliveryStatus.Pending ? DateTimeOffset.FromUnixTimeMilliseconds(d.NextAttemptAt) : null,
        d.LastStatusCode, d.LastError, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt),
        d.CompletedAt is { } completed ? DateTimeOffset.FromUnixTimeMilliseconds(completed) : null);
}

public sealed record AttemptResponse(int Attempt, DateTimeOffset StartedAt, long DurationMs, int? StatusCode, string? Error);

public sealed record DeliveryDetail(DeliveryResponse Delivery, IReadOnlyList<AttemptResponse> Attempts);

public sealed record DeliveryList(IReadOnlyList<DeliveryResponse> Items, string? Next);

public sealed record ReplayResponse(int Queued);
