using System.Buffers;

namespace Platform.Billing.Ledger;

/// <summary>What the ledger accepts, checked before a command reaches it.</summary>
public static class LedgerLimits
{
    /// <summary>Largest single amount: 10^15 micro-credits (one billion credits). Far below
    /// <see cref="long.MaxValue"/>, so sums of many transfers stay exact in 64 bits.</summary>
    public const long MaxAmount = 1_000_000_000_000_000;

    public const int MaxTransferIdLength = 128;

    /// <summary>Reservations last 1 s to 7 days; 300 s when not given.</summary>
    public const int DefaultTimeoutSeconds = 300;

    public const int MaxTimeoutSeconds = 7 * 24 * 3600;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    /// <summary>A client transfer id: 1-128 characters of [A-Za-z0-9._:-].</summary>
    public static bool IsValidTransferId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxTransferIdLength && !id.AsSpan().ContainsAnyExcept(IdCharacters);

    public const string TransferIdRule = "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";

    public static bool IsValidAmount(long amount) => amount is > 0 and <= MaxAmount;

    public const string AmountRule = "must be a whole number of micro-credits from 1 to 1000000000000000 (10^15)";
}
