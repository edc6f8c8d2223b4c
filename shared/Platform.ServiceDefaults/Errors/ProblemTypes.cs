namespace Platform.ServiceDefaults.Errors;

/// <summary>
/// Stable RFC 9457 <c>type</c> values. Clients branch on these, never on <c>title</c> or <c>detail</c>,
/// so a value here is never renamed. They are URNs: stable identifiers, not pages to fetch.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:platform:problem:";

    public const string Validation = Prefix + "validation";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string Conflict = Prefix + "conflict";
    public const string IdempotencyConflict = Prefix + "idempotency-conflict";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string InsufficientCredits = Prefix + "insufficient-credits";
    public const string GuardDenied = Prefix + "guard-denied";
    public const string RateLimited = Prefix + "rate-limited";
    public const string DependencyUnavailable = Prefix + "dependency-unavailable";
    public const string Internal = Prefix + "internal";

    /// <summary>Type for a bare status code that no endpoint described (e.g. an unknown route).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => Prefix + "method-not-allowed",
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => DependencyUnavailable,
        _ => status >= 500 ? Internal : Prefix + "http-" + status,
    };
}
