using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// AWS access key ids: long-term (<c>AKIA</c>) and temporary (<c>ASIA</c>) keys, 20 characters of
/// which the last 16 come from AWS's base-32 alphabet (A-Z, 2-7).
/// </summary>
public sealed partial class AwsAccessKeyDetector : IDetector
{
    public string Type => "aws_access_key_id";

    public FindingCategory Category => FindingCategory.Secret;

    public string Placeholder => "[AWS_KEY]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            yield return new TextSpan(match.Index, match.Length);
        }
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])A[KS]IA[A-Z2-7]{16}(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
