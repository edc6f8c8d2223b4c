namespace Platform.Agents.Runs;

/// <summary>
/// Host patterns of a run's <c>policy.allowedDomains</c>: <c>example.com</c> matches that host only,
/// <c>*.example.com</c> matches its subdomains (not example.com itself). Compared case-insensitively.
/// </summary>
public static class DomainPattern
{
    public static string? Normalize(string? pattern)
    {
        var text = pattern?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length > 253)
        {
            return null;
        }

        var host = text.StartsWith("*.", StringComparison.Ordinal) ? text[2..] : text;
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 ? text : null;
    }

    public static bool Matches(string pattern, string host)
    {
        host = host.ToLowerInvariant();
        return pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
            : host == pattern;
    }
}
