using System.Buffers;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>E-mail addresses: a dot-atom local part, '@', and a domain with a letters-only top-level label.</summary>
public sealed partial class EmailDetector : IDetector
{
    public string Type => "email";

    public FindingCategory Category => FindingCategory.Pii;

    public string Placeholder => "[EMAIL]";

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FileExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "pdf", "txt", "csv", "json", "yaml", "yml", "xml", "js", "css", "html",
    }.GetAlternateLookup<ReadOnlySpan<char>>();

    public IEnumerable<TextSpan> Detect(string text)
    {
        var previousEnd = 0;
        var at = text.IndexOf('@');
        while (at >= 0)
        {
            // The expression runs only around each '@', over the characters an address there could use
            // (plus one on each side for its look-arounds), instead of trying every word of the text.
            var start = at;
            while (start > previousEnd && LocalChars.Contains(text[start - 1]))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && DomainChars.Contains(text[end]))
            {
                end++;
            }

            // Only the start of the run before '@' can begin a match (every later position follows an address
            // character), and a match found earlier may already have consumed it, as a whole-text scan would.
            var next = at + 1;
            if (start < at && (start > previousEnd || start == 0 || !LocalChars.Contains(text[start - 1])))
            {
                var windowStart = Math.Max(start - 1, 0);
                var match = Pattern().Match(text, windowStart, Math.Min(end + 1, text.Length) - windowStart);
                if (match.Success)
                {
                    var value = text.AsSpan(match.Index, match.Length);
                    var localLength = value.IndexOf('@');
                    // RFC 5321 limits: 64 for the local part, 254 for the whole path. "logo@2x.png" is a file name
                    // (retina-asset convention), not an address: no real top-level domain is a common file extension.
                    if (localLength <= 64 && match.Length <= 254 && !FileExtensions.Contains(value[(value.LastIndexOf('.') + 1)..]))
                    {
                        yield return new TextSpan(match.Index, match.Length);
                    }

                    previousEnd = match.Index + match.Length;
                    next = Math.Max(next, previousEnd);
                }
            }

            at = next < text.Length ? text.IndexOf('@', next) : -1;
        }
    }

    // The local part's characters including '.', as the expression's look-behind lists them.
    private static readonly SearchValues<char> LocalChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-");

    private static readonly SearchValues<char> DomainChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");

    [GeneratedRegex(
        @"(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-]|\.[A-Za-z0-9])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
