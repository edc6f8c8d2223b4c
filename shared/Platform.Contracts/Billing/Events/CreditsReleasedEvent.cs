namespace Platform.Contracts.Billing.Events;

/// <summary>
/// Reservation <paramref name="ReservationId"/> was voided: all <paramref name="Returned"/> micro-credits
/// went back to the account. <paramref name="Reason"/> is one of <see cref="CreditsReleaseReasons"/>.
/// </summary>
public sealed record CreditsReleasedEvent(
    Guid AccountId, string ReservationId, string TransferId, long Returned, string Reason, DateTimeOffset ReleasedAt);

public static class CreditsReleaseReasons
{
    /// <summary>Released on request.</summary>
    public const string Released = "released";

    /// <summary>Its time ran out before it was captured or released.</summary>
    public const string Expired = "expired";
}
