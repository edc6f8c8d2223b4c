using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Telephone numbers: international (E.164, <c>+</c> and 8-15 digits, with or without spaces,
/// dashes, dots or a bracketed area code), North American (<c>(415) 555-2671</c>,
/// <c>415-555-2671</c>: area and exchange codes start with 2-9), and national numbers with a trunk 0
/// written in groups (<c>020 7946 0958</c>, <c>06 12 34 56 78</c>, <c>030 901820</c>: 9-11 digits).
/// Runs of digits without separators or a "+" are too ambiguous (order numbers, amounts) unless a
/// word such as "phone" or "tel" precedes them.
/// </summary>
public sealed partial class PhoneDetector : IDetector
{
    public string Type => "phone";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[PHONE]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        // The formats overlap (an international number contains a North American one): report each number once.
        var found = new List<TextSpan>();
        foreach (var span in Candidates(text))
        {
            if (!found.Any(f => f.Start < span.End && span.Start < f.End))
            {
                found.Add(span);
            }
        }

        return found;
    }

    private static IEnumerable<TextSpan> Candidates(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++digits >= 8)
            {
                break;
            }
        }

        if (digits < 8)
        {
            yield break;
        }

        foreach (Match match in International().Matches(text))
        {
            if (CountDigits(match.ValueSpan) is >= 8 and <= 15 && SeparatorsAreSane(match.ValueSpan))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }

        foreach (Match match in NorthAmerican().Matches(text))
        {
            yield return new TextSpan(match.Index, match.Length);
        }

        foreach (Match match in NationalTrunk().Matches(text))
        {
            if (CountDigits(match.ValueSpan) is >= 9 and <= 11)
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }

        foreach (Match match in Labelled().Matches(text))
        {
            var number = match.Groups["value"];
            yield return new TextSpan(number.Index, number.Length);
        }
    }

    private static int CountDigits(ReadOnlySpan<char> value)
    {
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }

        return count;
    }

    // One separator between digit groups (a bracket may sit next to a space), brackets balanced.
    private static bool SeparatorsAreSane(ReadOnlySpan<char> value)
    {
        var depth = 0;
        var run = 0;
        foreach (var c in value)
        {
            switch (c)
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ' ' or '-' or '.':
                    if (++run > 1)
                    {
                        return false;
                    }

                    continue;
            }

            if (depth is < 0 or > 1)
            {
                return false;
            }

            run = 0;
        }

        return depth == 0;
    }

    [GeneratedRegex(@"(?<![\w+.])\+[1-9](?:[ .-]?\(?\d{1,4}\)?){2,7}(?!\w|\.\d|[ -]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex International();

    [GeneratedRegex(@"(?<![\w+.(-]|\d[ .-])(?:1[ .-])?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}([ .-]))[2-9]\d{2}(?(1)\1|[ .-])\d{4}(?![\w]|[.-]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex NorthAmerican();

    [GeneratedRegex(@"(?<![\w+.-]|\d[ -])0[1-9]\d{0,3}(?:[ -]\d{2,6}){1,4}(?![\w]|[ .-]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex NationalTrunk();

    [GeneratedRegex(@"(?i:\b(?:phone|tel|telephone|mobile|cell|fax|whatsapp)\b)[ .:#]{0,4}(?:no\.?\s?|number\s?)?(?<value>\+?\d{9,15})(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Labelled();
}
