using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// GitHub tokens by their documented prefixes: personal (<c>ghp_</c>), OAuth (<c>gho_</c>),
/// user-to-server (<c>ghu_</c>), server-to-server (<c>ghs_</c>), refresh (<c>ghr_</c>) and
/// fine-grained personal access tokens (<c>github_pat_</c>).
/// </summary>
public sealed partial class GitHubTokenDetector : IDetector
{
    public string Type => "github_token";

    public FindingCategory Category => FindingCategory.Secret;

    public string Placeholder => "[GITHUB_TOKEN]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            yield return new TextSpan(match.Index, match.Length);
        }
    }

    [GeneratedRegex(
        @"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59,230})(?![A-Za-z0-9_])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
