namespace Platform.Billing.Usage;

/// <summary>
/// One metered use, priced. <see cref="TransferId"/> is the charge transfer, or null when a
/// reservation covers it (then the capture of <see cref="UsageQuantities.ReservationId"/> pays it).
/// </summary>
public sealed record UsageRecord(
    Guid AccountId,
    string Id,
    UsageQuantities Quantities,
    long Charge,
    string? TransferId,
    string Request,
    long CreatedAtMs)
{
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs);
}
