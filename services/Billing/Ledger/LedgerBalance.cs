namespace Platform.Billing.Ledger;

/// <summary>
/// One ledger account's four TigerBeetle balances, in micro-credits. Customer accounts carry the
/// flag "debits must not exceed credits", so <see cref="Available"/> never goes below zero.
/// Mutable on purpose: the state machine works on the copies a batch locked, and the store writes
/// back the ones it changed.
/// </summary>
public sealed class LedgerBalance(string id, bool debitsMustNotExceedCredits)
{
    public string Id { get; } = id;

    public bool DebitsMustNotExceedCredits { get; } = debitsMustNotExceedCredits;

    public long DebitsPending { get; set; }

    public long DebitsPosted { get; set; }

    public long CreditsPending { get; set; }

    public long CreditsPosted { get; set; }

    /// <summary>What a customer can still reserve or be charged: posted credits minus posted and pending debits.</summary>
    public long Available => CreditsPosted - DebitsPosted - DebitsPending;

    /// <summary>Posted balance (credits minus debits), what a statement reconciles.</summary>
    public long Posted => CreditsPosted - DebitsPosted;

    public LedgerBalance Copy() => new(Id, DebitsMustNotExceedCredits)
    {
        DebitsPending = DebitsPending,
        DebitsPosted = DebitsPosted,
        CreditsPending = CreditsPending,
        CreditsPosted = CreditsPosted,
    };
}
