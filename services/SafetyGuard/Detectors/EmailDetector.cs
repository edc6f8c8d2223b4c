using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>E-mail addresses: a dot-atom local part, '@', and a domain with a letters-only top-level label.</summary>
public sealed partial class EmailDetector : IDetector
{
    public string Type => "email";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[EMAIL]";

    private static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "pdf", "txt", "csv", "json", "yaml", "yml", "xml", "js", "css", "html",
    };

    public IEnumerable<TextSpan> Detect(string text)
    {
        if (!text.Contains('@'))
        {
            yield break;
        }

        foreach (Match match in Pattern().Matches(text))
        {
            var at = match.Value.IndexOf('@');
            // RFC 5321 limits: 64 for the local part, 254 for the whole path. "logo@2x.png" is a file name
            // (retina-asset convention), not an address: no real top-level domain is a common file extension.
            if (at <= 64 && match.Length <= 254 && !FileExtensions.Contains(match.Value[(match.Value.LastIndexOf('.') + 1)..]))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }
    }

    [GeneratedRegex(
        @"(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-]|\.[A-Za-z0-9])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
