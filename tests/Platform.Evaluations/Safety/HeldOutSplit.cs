using System.Security.Cryptography;
using System.Text;

namespace Platform.Evaluations.Safety;

/// <summary>
/// The fixed tuning/held-out split of the safety set: an item is in the tuning half when the first
/// byte of SHA-256(UTF-8 item id) is even, else held out. Rules and thresholds are chosen on the
/// tuning half only; figures reported as held-out never influenced a choice.
/// </summary>
public static class HeldOutSplit
{
    public static bool IsTuning(string itemId) => SHA256.HashData(Encoding.UTF8.GetBytes(itemId))[0] % 2 == 0;
}
