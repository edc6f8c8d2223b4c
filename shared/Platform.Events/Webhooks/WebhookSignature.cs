using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Events.Webhooks;

/// <summary>
/// The <c>Platform-Signature</c> header: <c>t={unix seconds},v1={hex HMAC-SHA256}[,v1=...]</c>, where each
/// v1 is HMAC-SHA256(secret, "{t}." + body) for one of the subscription's signing secrets (two while a
/// rotation overlaps). A receiver recomputes it over the raw body, accepts if any v1 matches (compared in
/// constant time), and rejects timestamps too far from its clock (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Platform-Signature";

    public static string Create(IReadOnlyList<string> secrets, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var builder = new StringBuilder("t=").Append(unixSeconds.ToString(CultureInfo.InvariantCulture));
        foreach (var secret in secrets)
        {
            builder.Append(",v1=").Append(Convert.ToHexString(Compute(secret, unixSeconds, body)).ToLowerInvariant());
        }

        return builder.ToString();
    }

    /// <summary>What a receiver does: true when <paramref name="header"/> carries a valid v1 for <paramref name="secret"/> within <paramref name="tolerance"/>.</summary>
    public static bool Verify(string? header, string secret, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        long? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return false;
            }

            var (key, value) = (part[..equals], part[(equals + 1)..]);
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1")
            {
                signatures.Add(value);
            }
        }

        if (timestamp is not { } seconds || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Compute(secret, seconds, body);
        var candidate = new byte[expected.Length];
        foreach (var signature in signatures)
        {
            if (signature.Length == expected.Length * 2 &&
                Convert.FromHexString(signature, candidate, out _, out _) == OperationStatus.Done &&
                CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
