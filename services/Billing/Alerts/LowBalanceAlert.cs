namespace Platform.Billing.Alerts;

/// <summary>
/// An account's low-balance alert: <see cref="Threshold"/> in micro-credits, and whether it is armed.
/// An armed alert fires (one <c>platform.billing.balance.low.v1</c> event) when a ledger change leaves
/// the available balance below the threshold, and disarms; it re-arms only once the balance is back at
/// <see cref="RearmLevel"/> (the threshold plus 10 %), so a balance moving around the threshold does
/// not raise a storm of events.
/// </summary>
public sealed class LowBalanceAlert
{
    public string AccountId { get; set; } = "";

    public long Threshold { get; set; }

    public bool Armed { get; set; }

    public long UpdatedAt { get; set; }

    public long RearmLevel => RearmLevelOf(Threshold);

    public static long RearmLevelOf(long threshold) => threshold + Math.Max(1, threshold / 10);
}
