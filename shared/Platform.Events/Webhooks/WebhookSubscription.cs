namespace Platform.Events.Webhooks;

/// <summary>
/// An account's webhook endpoint: where its events go, which types (or <see cref="AllTypes"/>), and
/// the signing secrets. During a rotation the previous secret signs too, until <see cref="PreviousExpiresAtMs"/>.
/// </summary>
public sealed class WebhookSubscription
{
    public const string AllTypes = "*";

    public string Id { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string Url { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Space-separated event types, as given (the fan-out uses <c>webhook_subscription_types</c>).</summary>
    public string EventTypes { get; set; } = "";

    public string Secret { get; set; } = "";

    public string? PreviousSecret { get; set; }

    public long? PreviousExpiresAtMs { get; set; }

    public long CreatedAt { get; set; }

    public IReadOnlyList<string> Types => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The secrets a delivery at <paramref name="nowMs"/> is signed with: the current one, and the previous one while it overlaps.</summary>
    public IReadOnlyList<string> SigningSecrets(long nowMs) =>
        PreviousSecret is not null && PreviousExpiresAtMs > nowMs ? [Secret, PreviousSecret] : [Secret];
}
