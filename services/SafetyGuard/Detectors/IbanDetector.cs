using System.Collections.Frozen;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// International bank account numbers: a country code from the IBAN registry, two check digits
/// and the country's exact length, written solid or in groups separated by single spaces, with a
/// valid ISO 7064 mod-97 checksum.
/// </summary>
public sealed class IbanDetector : IDetector
{
    /// <summary>IBAN length per country (SWIFT IBAN registry).</summary>
    private static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27,
        ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20, ["MR"] = 27,
        ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24, ["PL"] = 28,
        ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24, ["SC"] = 31,
        ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25, ["SV"] = 28,
        ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20, ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public string Type => "iban";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[IBAN]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        for (var i = 0; i + 4 <= text.Length; i++)
        {
            if (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]))
            {
                continue;
            }

            if (!char.IsAsciiLetter(text[i]) || !char.IsAsciiLetter(text[i + 1]) ||
                !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
            {
                continue;
            }

            var country = string.Concat(char.ToUpperInvariant(text[i]), char.ToUpperInvariant(text[i + 1]));
            if (!Lengths.TryGetValue(country, out var length))
            {
                continue;
            }

            if (TryRead(text, i, length, out var end, out var compact) && Mod97(compact) == 1)
            {
                yield return new TextSpan(i, end - i);
                i = end;
            }
        }
    }

    /// <summary>Reads <paramref name="length"/> alphanumerics from <paramref name="start"/>, allowing single spaces between them.</summary>
    private static bool TryRead(string text, int start, int length, out int end, out string compact)
    {
        var chars = new char[length];
        var count = 0;
        var j = start;
        while (count < length && j < text.Length)
        {
            var c = text[j];
            if (char.IsAsciiLetterOrDigit(c))
            {
                chars[count++] = char.ToUpperInvariant(c);
                j++;
            }
            else if (c == ' ' && count > 0 && j + 1 < text.Length && char.IsAsciiLetterOrDigit(text[j + 1]))
            {
                j++;
            }
            else
            {
                break;
            }
        }

        end = j;
        compact = new string(chars);
        // Exactly the country's length: a longer run of characters is some other identifier.
        return count == length && (j == text.Length || !char.IsAsciiLetterOrDigit(text[j]));
    }

    /// <summary>ISO 7064 MOD 97-10 over the rearranged IBAN (letters as 10..35); a valid IBAN gives 1.</summary>
    public static int Mod97(string iban)
    {
        var remainder = 0;
        for (var k = 0; k < iban.Length; k++)
        {
            var c = iban[(k + 4) % iban.Length];
            remainder = char.IsAsciiDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
        }

        return remainder;
    }
}
