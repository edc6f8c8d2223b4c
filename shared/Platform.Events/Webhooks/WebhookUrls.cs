using System.Net;
using System.Net.Sockets;

namespace Platform.Events.Webhooks;

/// <summary>
/// Which endpoint URLs and addresses a webhook may use (SSRF guard). A subscription's URL is checked
/// when it is created (scheme, no credentials, no literal private address or local name), and every
/// address a delivery connects to is checked again after DNS resolution, so a public name that later
/// resolves to 127.0.0.1 or 169.254.169.254 (DNS rebinding, cloud metadata) is refused as well.
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2048;

    private static readonly string[] LocalSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".lan"];

    /// <summary>The reason <paramref name="url"/> is refused, or null when it may be used.</summary>
    public static string? Check(string? url, WebhookOptions options, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is required";
        }

        if (url.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || string.IsNullOrEmpty(parsed.Host))
        {
            return "must be an absolute http(s) URL";
        }

        if (parsed.Scheme == "http" && !options.AllowHttp)
        {
            return "must use https";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "must not carry credentials";
        }

        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            return "must not have a fragment";
        }

        if (!options.AllowPrivateAddresses)
        {
            var host = parsed.DnsSafeHost.TrimEnd('.').ToLowerInvariant();
            if (IPAddress.TryParse(host, out var address) ? !IsPublic(address) : IsLocalName(host))
            {
                return "points to a loopback, private or local address, which webhooks may not use";
            }
        }

        uri = parsed;
        return null;
    }

    public static bool IsLocalName(string host) =>
        host == "localhost" || !host.Contains('.') || LocalSuffixes.Any(suffix => host.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>True for globally routable unicast addresses; false for loopback, private, link-local, CGNAT, multicast, documentation and reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 ||
                (b[0] == 100 && (b[1] & 0xC0) == 64) ||
                (b[0] == 169 && b[1] == 254) ||
                (b[0] == 172 && (b[1] & 0xF0) == 16) ||
                (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) ||
                (b[0] == 192 && b[1] == 168) ||
                (b[0] == 198 && b[1] is 18 or 19) ||
                (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
                (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address) ||
            address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast ||
            (b[0] & 0xFE) == 0xFC ||                                     // fc00::/7 unique local
            (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) || // 2001:db8::/32 documentation
            (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) || // 64:ff9b::/96 NAT64
            b.Take(12).All(x => x == 0))                                 // ::/96 IPv4-compatible (deprecated)
        {
            return false;
        }

        // 6to4 (2002::/16) carries an IPv4 address that must be public itself.
        return !(b[0] == 0x20 && b[1] == 0x02) || IsPublic(new IPAddress(b.AsSpan(2, 4)));
    }
}
