namespace Platform.Billing.Usage;

/// <summary>
/// An account's posted balance over [From, To), in micro-credits. It reconciles:
/// <c>Opening + Deposits - Captures - Charges = Closing</c>, where Opening and Closing are summed
/// independently from all transfers before From and before To. Reservations still pending are
/// not posted and appear only as <see cref="PendingNow"/>. When the period reaches the present,
/// <see cref="LedgerPostedNow"/> is the stored posted balance, which equals Closing on a quiet account.
/// </summary>
public sealed record Statement(
    Guid AccountId,
    DateTimeOffset From,
    DateTimeOffset To,
    long Opening,
    long Deposits,
    long Captures,
    long Charges,
    long Closing,
    bool Reconciles,
    string Reconciliation,
    long? LedgerPostedNow,
    long PendingNow);
