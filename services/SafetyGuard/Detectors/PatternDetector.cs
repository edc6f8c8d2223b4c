using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// A detector that is one regular expression: the finding is the group named <c>value</c> when the
/// pattern has one (so context words such as "aws_secret_access_key =" anchor the match without
/// being redacted), otherwise the whole match.
/// </summary>
public sealed class PatternDetector(string type, FindingCategory category, string placeholder, Regex pattern) : IDetector
{
    public string Type => type;

    public FindingCategory Category => category;

    public string Placeholder => placeholder;

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in pattern.Matches(text))
        {
            var value = match.Groups["value"];
            yield return value.Success
                ? new TextSpan(value.Index, value.Length)
                : new TextSpan(match.Index, match.Length);
        }
    }
}
