using System.Globalization;
using Platform.Billing.Usage;

namespace Platform.Billing.Ledger;

/// <summary>
/// One request to the ledger. <see cref="Request"/> is the canonical body: a replay with the same
/// id must have exactly this text, anything else is an idempotency conflict.
/// </summary>
public abstract record LedgerCommand(Guid AccountId, string TransferId)
{
    public abstract string Request { get; }

    protected static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

public sealed record DepositCommand(Guid AccountId, string TransferId, long Amount) : LedgerCommand(AccountId, TransferId)
{
    public override string Request => $"deposit|{Text(Amount)}";
}

public sealed record ReserveCommand(Guid AccountId, string TransferId, long Amount, int TimeoutSeconds)
    : LedgerCommand(AccountId, TransferId)
{
    public override string Request => $"reserve|{Text(Amount)}|{Text(TimeoutSeconds)}";
}

/// <summary>Posts reservation <see cref="ReservationId"/>: <see cref="Amount"/> of it, or all when null.</summary>
public sealed record CaptureCommand(Guid AccountId, string TransferId, string ReservationId, long? Amount)
    : LedgerCommand(AccountId, TransferId)
{
    public override string Request => $"capture|{ReservationId}|{(Amount is { } amount ? Text(amount) : "all")}";
}

public sealed record ReleaseCommand(Guid AccountId, string TransferId, string ReservationId) : LedgerCommand(AccountId, TransferId)
{
    public override string Request => $"release|{ReservationId}";
}

/// <summary>The sweeper's command: void a reservation whose time has run out (no effect before that).</summary>
public sealed record ExpireCommand(Guid AccountId, string ReservationId)
    : LedgerCommand(AccountId, ExpiryTransferId(ReservationId))
{
    public override string Request => $"expire|{ReservationId}";

    /// <summary>'#' is not allowed in client ids, so this id never collides with one.</summary>
    public static string ExpiryTransferId(string reservationId) => reservationId + "#expire";
}

/// <summary>Records priced usage; charges it (a posted transfer) unless it names a reservation that covers it.</summary>
public sealed record RecordUsageCommand(Guid AccountId, string TransferId, UsageQuantities Usage, long Charge)
    : LedgerCommand(AccountId, TransferId)
{
    // The charge is not part of the body: a replay after a price change still returns the first charge.
    public override string Request => "usage|" + Usage.Canonical();
}
