using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// IPv4 addresses in dotted-decimal form: four octets 0-255 without leading zeros, not part of a
/// longer dotted run (1.2.3.4.5) and not glued to a word (v1.2.3.4 is a version, not an address).
/// </summary>
public sealed partial class Ipv4Detector : IDetector
{
    public string Type => "ipv4";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[IP]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            yield return new TextSpan(match.Index, match.Length);
        }
    }

    [GeneratedRegex(
        @"(?<![0-9A-Za-z.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9A-Za-z]|\.[0-9])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
