namespace Platform.Billing.Ledger;

/// <summary>
/// Ledger account ids. A customer's ledger account has the customer account's id (a GUID in "D"
/// format); system accounts have names a GUID can never take.
/// </summary>
public static class LedgerAccountIds
{
    /// <summary>Where deposited credits come from: its debits grow with every deposit, it has no limit.</summary>
    public const string Operator = "system:operator";

    /// <summary>Receives reservations (pending) and captures and charges (posted).</summary>
    public const string Revenue = "system:revenue";

    public static string ForCustomer(Guid accountId) => accountId.ToString("D");
}
