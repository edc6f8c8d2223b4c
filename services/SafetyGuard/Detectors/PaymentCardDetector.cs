using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Payment card numbers: 13 to 19 digits starting like a card network's range (2-6), written
/// solid or grouped with one kind of separator as cards print them (4-4-4-4, 4-6-5, ...), and
/// passing the Luhn check. Grouping and Luhn together keep phone numbers, order numbers and dates out.
/// </summary>
public sealed partial class PaymentCardDetector : IDetector
{
    public string Type => "payment_card";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[CARD]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            if (IsCardNumber(match.Value))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }
    }

    public static bool IsCardNumber(string candidate)
    {
        var digits = new List<int>(19);
        var groups = new List<int>(5);
        var separator = '\0';
        var groupLength = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Add(c - '0');
                groupLength++;
                continue;
            }

            if (separator != '\0' && c != separator)
            {
                return false;
            }

            separator = c;
            groups.Add(groupLength);
            groupLength = 0;
        }

        groups.Add(groupLength);
        return digits.Count is >= 13 and <= 19 && IsCardGrouping(groups) && Luhn(digits);
    }

    private static bool IsCardGrouping(List<int> groups)
    {
        if (groups.Count == 1)
        {
            return true;
        }

        // American Express and Diners Club: 4-6-5 and 4-6-4.
        if (groups.Count == 3 && groups[0] == 4 && groups[1] == 6 && groups[2] is 4 or 5)
        {
            return true;
        }

        // Everyone else: fours, the last group possibly shorter.
        for (var i = 0; i < groups.Count - 1; i++)
        {
            if (groups[i] != 4)
            {
                return false;
            }
        }

        return groups[^1] is >= 1 and <= 4;
    }

    public static bool Luhn(IReadOnlyList<int> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Count - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z]|[0-9][ -])[2-6](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z]|[ -][0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
