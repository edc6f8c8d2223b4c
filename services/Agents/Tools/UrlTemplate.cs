using System.Text;

namespace Platform.Agents.Tools;

/// <summary>
/// An HTTP tool's URL with <c>{placeholders}</c> filled from the call's arguments. Placeholders may
/// appear in the path and query only: the scheme and host are fixed when the tool is declared, so a
/// policy that checks the tool's domain cannot be steered around by an argument.
/// </summary>
public sealed class UrlTemplate
{
    public const int MaxLength = 2048;

    private UrlTemplate(string text, Uri sample, IReadOnlyList<string> placeholders)
    {
        Text = text;
        Host = sample.Host;
        Placeholders = placeholders;
    }

    public string Text { get; }

    public string Host { get; }

    /// <summary>Placeholder names in order of first appearance, each once.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>Parses a template; on failure <paramref name="error"/> says why, in words for the caller.</summary>
    public static UrlTemplate? TryParse(string text, out string? error)
    {
        if (text.Length > MaxLength)
        {
            error = $"must be at most {MaxLength} characters";
            return null;
        }

        var placeholders = new List<string>();
        var sample = new StringBuilder(text.Length);
        var firstPlaceholder = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                error = $"has a '}}' without a matching '{{' at position {i}";
                return null;
            }

            if (c != '{')
            {
                sample.Append(c);
                continue;
            }

            var close = text.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = $"has a '{{' without a matching '}}' at position {i}";
                return null;
            }

            var name = text[(i + 1)..close];
            if (!IsPlaceholderName(name))
            {
                error = $"has an invalid placeholder '{{{name}}}': use letters, digits and '_', starting with a letter or '_'";
                return null;
            }

            if (!placeholders.Contains(name, StringComparer.Ordinal))
            {
                placeholders.Add(name);
            }

            if (firstPlaceholder < 0)
            {
                firstPlaceholder = i;
            }

            // A harmless stand-in lets the URI parser check everything around the placeholder.
            sample.Append('x');
            i = close;
        }

        if (!Uri.TryCreate(sample.ToString(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            string.IsNullOrEmpty(uri.Host))
        {
            error = "must be an absolute http or https URL";
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error = "must not contain user information; send credentials in headers, not in the URL";
            return null;
        }

        if (firstPlaceholder >= 0 && firstPlaceholder < AuthorityEnd(text))
        {
            error = "may have placeholders in the path and query only, not in the scheme, host or port";
            return null;
        }

        error = null;
        return new UrlTemplate(text, uri, placeholders);
    }

    private static bool IsPlaceholderName(string name) =>
        name.Length is > 0 and <= 64 &&
        (char.IsAsciiLetter(name[0]) || name[0] == '_') &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // Index just past "scheme://host:port": the first '/', '?' or '#' after the "//".
    private static int AuthorityEnd(string text)
    {
        var start = text.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return text.Length;
        }

        var end = text.IndexOfAny(['/', '?', '#'], start + 2);
        return end < 0 ? text.Length : end;
    }
}
