namespace Platform.Contracts.Billing.Events;

/// <summary>
/// Reservation <paramref name="ReservationId"/> was posted by transfer <paramref name="TransferId"/>:
/// <paramref name="Captured"/> micro-credits are charged, <paramref name="Returned"/> went back to the account.
/// </summary>
public sealed record CreditsCapturedEvent(
    Guid AccountId, string ReservationId, string TransferId, long Captured, long Returned, DateTimeOffset CapturedAt);
