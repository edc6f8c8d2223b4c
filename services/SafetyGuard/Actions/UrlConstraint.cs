using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>
/// A URL argument: absolute, http(s) only (https only unless <see cref="AllowHttp"/>), no user info,
/// and its host one of <see cref="Domains"/>: an entry matches the host itself, and "*.example.com"
/// matches its subdomains (not example.com). Hosts compare after IDN-to-ASCII and lower-casing, so
/// a look-alike Unicode domain never matches an ASCII entry.
/// </summary>
public sealed record UrlConstraint(bool Required, IReadOnlyList<string> Domains, bool AllowHttp) : ArgumentConstraint(Required)
{
    public override ActionViolation? Check(string argument, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Violation(ActionRuleIds.ArgumentType, argument, "must be a URL string");
        }

        if (!Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(AllowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            return Violation(ActionRuleIds.ArgumentType, argument, AllowHttp ? "must be an absolute http or https URL" : "must be an absolute https URL");
        }

        if (uri.UserInfo.Length > 0)
        {
            return Violation(ActionRuleIds.UrlDomain, argument, "must not carry user information (user:password@)");
        }

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        foreach (var domain in Domains)
        {
            if (domain.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(domain[1..], StringComparison.Ordinal) && host.Length > domain.Length - 1
                : host == domain)
            {
                return null;
            }
        }

        return Violation(ActionRuleIds.UrlDomain, argument, $"host '{host}' is not among the allowed domains");
    }
}
