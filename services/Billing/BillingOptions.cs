using Platform.Billing.Prices;

namespace Platform.Billing;

/// <summary>Bound from the <c>Billing</c> configuration section (environment: <c>Billing__Ledger__MaxBatchSize</c>, ...).</summary>
public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    public LedgerOptions Ledger { get; set; } = new();

    /// <summary>Default prices; the admin API overrides them item by item.</summary>
    public PriceOptions Prices { get; set; } = new();
}

public sealed class LedgerOptions
{
    /// <summary>Most commands written in one transaction (group commit).</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Commands waiting for the writer; beyond this, callers wait (back-pressure) instead of piling up memory.</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>How often the sweeper looks for reservations whose time ran out.</summary>
    public int SweepIntervalMs { get; set; } = 1000;

    /// <summary>Most reservations the sweeper expires per pass.</summary>
    public int SweepBatchSize { get; set; } = 1000;
}
