using System.Text.Unicode;
using System.Text;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Base64 and hex blobs that decode to readable text: an attacker can wrap a payload ("aWdub3JlIGFs...")
/// or a credential in an encoding the pattern detectors cannot see through. Blobs are decoded once
/// (not recursively), and only when the result is UTF-8 of mostly printable characters, so random
/// identifiers and hashes (which decode to noise) cost one failed decode and nothing more.
/// </summary>
public static partial class EncodedContent
{
    private const int MaxBlobChars = 64 * 1024;

    /// <summary>The readable texts hidden in blobs of <paramref name="text"/>, with the blob's span in it.</summary>
    public static List<(TextSpan Blob, string Decoded)> Decode(string text)
    {
        var found = new List<(TextSpan, string)>();
        if (text.Length < 16 || !HasLongRun(text))
        {
            return found;
        }

        foreach (Match match in Base64Blob().Matches(text))
        {
            if (match.Length <= MaxBlobChars && TryDecodeBase64(match.Value, out var decoded))
            {
                found.Add((new TextSpan(match.Index, match.Length), decoded));
            }
        }

        foreach (Match match in HexBlob().Matches(text))
        {
            if (match.Length <= MaxBlobChars && TryDecodeHex(match.Groups["hex"].Value, out var decoded))
            {
                found.Add((new TextSpan(match.Index, match.Length), decoded));
            }
        }

        return found;
    }

    /// <summary>
    /// Whether some run of base64 (standard or URL-safe) characters is 16 or longer. Both blob patterns
    /// need one (hex digits and the "0x" prefix are base64 characters), and ordinary prose has none, so
    /// the regular expressions only run on text that can hold a blob. A plain loop: prose alternates
    /// short runs and separators too often for vectorised searches to pay off.
    /// </summary>
    private static bool HasLongRun(ReadOnlySpan<char> text)
    {
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-')
            {
                if (++run >= 16)
                {
                    return true;
                }
            }
            else
            {
                run = 0;
            }
        }

        return false;
    }

    private static bool TryDecodeBase64(string blob, out string decoded)
    {
        decoded = "";
        // URL-safe alphabet and missing padding are common in tokens and URLs.
        var standard = blob.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        if (standard.Length % 4 == 1)
        {
            return false;
        }

        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        var bytes = new byte[standard.Length / 4 * 3];
        if (Convert.TryFromBase64String(standard, bytes, out var written))
        {
            return TryReadable(bytes.AsSpan(0, written), out decoded);
        }

        return false;
    }

    private static bool TryDecodeHex(string blob, out string decoded)
    {
        decoded = "";
        return TryReadable(Convert.FromHexString(blob), out decoded);
    }

    private static bool TryReadable(ReadOnlySpan<byte> bytes, out string text)
    {
        text = "";
        if (bytes.Length < 8 || !Utf8.IsValid(bytes))
        {
            return false;
        }

        var candidate = Encoding.UTF8.GetString(bytes);
        var printable = 0;
        foreach (var c in candidate)
        {
            if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
            {
                printable++;
            }
        }

        if (printable < candidate.Length * 0.95)
        {
            return false;
        }

        text = candidate;
        return true;
    }

    // At least 16 characters (12 bytes): shorter runs are ordinary words and identifiers.
    [GeneratedRegex(@"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Blob();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:0x)?(?<hex>(?:[0-9a-fA-F]{2}){8,})(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex HexBlob();
}
