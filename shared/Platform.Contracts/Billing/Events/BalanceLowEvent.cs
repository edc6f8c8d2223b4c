namespace Platform.Contracts.Billing.Events;

/// <summary>
/// The account's available balance fell below its low-balance threshold: <paramref name="Available"/>
/// micro-credits are left, the threshold is <paramref name="Threshold"/>. Sent once per crossing: the
/// alert fires again only after the balance has risen back above the threshold plus a margin.
/// </summary>
public sealed record BalanceLowEvent(Guid AccountId, long Available, long Threshold, DateTimeOffset DetectedAt);
