namespace Platform.Billing.Ledger;

/// <summary>What a transfer did. Stored as its lower-case name.</summary>
public enum TransferKind
{
    /// <summary>Posted operator -> customer: credits bought.</summary>
    Deposit,

    /// <summary>Pending customer -> revenue with an expiry: credits held.</summary>
    Reserve,

    /// <summary>Posts a pending transfer, all or part; the rest returns to the customer.</summary>
    Capture,

    /// <summary>Voids a pending transfer on request: all of it returns.</summary>
    Release,

    /// <summary>Voids a pending transfer whose time ran out (the sweeper, or the first command that finds it due).</summary>
    Expire,

    /// <summary>Posted customer -> revenue without a reservation (usage charged at once).</summary>
    Charge,
}

public static class TransferKinds
{
    public static string ToText(this TransferKind kind) => kind switch
    {
        TransferKind.Deposit => "deposit",
        TransferKind.Reserve => "reserve",
        TransferKind.Capture => "capture",
        TransferKind.Release => "release",
        TransferKind.Expire => "expire",
        TransferKind.Charge => "charge",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? text, out TransferKind kind)
    {
        foreach (var candidate in Enum.GetValues<TransferKind>())
        {
            if (string.Equals(candidate.ToText(), text, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static TransferKind Parse(string text) =>
        TryParse(text, out var kind) ? kind : throw new FormatException($"Unknown transfer kind '{text}'.");
}
