using System.Globalization;
using Platform.Billing.Ledger;

namespace Platform.Billing.Api;

/// <summary>Page cursors <c>{unix ms}~{id}</c>: '~' never occurs in an id, so the split is unambiguous.</summary>
public static class Cursor
{
    public static string Make(long ms, string id) => ms.ToString(CultureInfo.InvariantCulture) + "~" + id;

    public static bool TryParse(string? text, out long? ms, out string? id)
    {
        ms = null;
        id = null;
        if (text is null)
        {
            return true;
        }

        var tilde = text.IndexOf('~');
        if (tilde <= 0 || !long.TryParse(text.AsSpan(0, tilde), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        id = text[(tilde + 1)..];
        ms = parsed;
        return id.Length <= LedgerLimits.MaxTransferIdLength + 16;
    }
}
