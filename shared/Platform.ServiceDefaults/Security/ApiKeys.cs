using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// API key format and hashing. Keys carry 256 random bits, so a plain SHA-256 is a safe hash at
/// rest (no password stretching needed) and lets any service look a key up by its hash.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "pk_";

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether two hex hashes are equal, in time that does not depend on where they differ.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
