using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// National identity numbers whose structure can be verified: US Social Security numbers (grouped
/// 3-2-4, with the never-issued areas 000, 666 and 900-999, group 00 and serial 0000 excluded;
/// nine bare digits only after "SSN"), Spanish DNI and NIE (check letter, mod 23) and Indian Aadhaar
/// numbers (12 digits, first 2-9, Verhoeff check digit).
/// </summary>
public sealed partial class NationalIdDetector : IDetector
{
    private const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    public string Type => "national_id";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[NATIONAL_ID]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in Ssn().Matches(text))
        {
            if (IsIssuableSsn(match.Groups["area"].ValueSpan, match.Groups["group"].ValueSpan, match.Groups["serial"].ValueSpan))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }

        foreach (Match match in LabelledSsn().Matches(text))
        {
            var value = match.Groups["value"];
            if (IsIssuableSsn(value.ValueSpan[..3], value.ValueSpan[3..5], value.ValueSpan[5..]))
            {
                yield return new TextSpan(value.Index, value.Length);
            }
        }

        foreach (Match match in SpanishId().Matches(text))
        {
            if (IsValidSpanishId(match.ValueSpan))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }

        foreach (Match match in Aadhaar().Matches(text))
        {
            if (Verhoeff.IsValid(match.ValueSpan))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }
    }

    private static bool IsIssuableSsn(ReadOnlySpan<char> area, ReadOnlySpan<char> group, ReadOnlySpan<char> serial) =>
        area is not "000" and not "666" && area[0] != '9' && group is not "00" && serial is not "0000";

    private static bool IsValidSpanishId(ReadOnlySpan<char> value)
    {
        Span<char> digits = stackalloc char[8];
        var count = 0;
        char letter = default;
        foreach (var c in value)
        {
            if (c == '-')
            {
                continue;
            }

            if (count == 0 && c is 'X' or 'Y' or 'Z')
            {
                // NIE: the leading letter stands for a digit.
                digits[count++] = (char)('0' + (c - 'X'));
            }
            else if (char.IsAsciiDigit(c) && count < 8)
            {
                digits[count++] = c;
            }
            else
            {
                letter = c;
            }
        }

        return count == 8 && DniLetters[int.Parse(digits) % 23] == letter;
    }

    [GeneratedRegex(@"(?<![\w-])(?<area>\d{3})(?<sep>[- ])(?<group>\d{2})\k<sep>(?<serial>\d{4})(?![\w]|[- ]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ssn();

    [GeneratedRegex(@"(?i:\b(?:ssn|social security(?: number| no\.?)?)\b)[ .:#]{0,4}(?<value>\d{9})(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex LabelledSsn();

    [GeneratedRegex(@"(?<![\w-])(?:\d{8}|[XYZ]-?\d{7})-?[A-HJ-NP-TV-Z](?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex SpanishId();

    [GeneratedRegex(@"(?<![\w-])[2-9]\d{3}(?<sep>[ -]?)\d{4}\k<sep>\d{4}(?![\w]|[ -]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Aadhaar();
}
