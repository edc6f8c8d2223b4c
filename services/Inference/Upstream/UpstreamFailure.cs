namespace Platform.Inference.Upstream;

/// <summary>Why a route gave no answer. Only <see cref="UpstreamFailureKind.Rejected"/> stops the fallback: the request itself was refused.</summary>
public sealed class UpstreamFailureException(UpstreamFailureKind kind, string route, int? status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public UpstreamFailureKind Kind { get; } = kind;

    public string Route { get; } = route;

    /// <summary>The upstream's HTTP status, when it answered with one.</summary>
    public int? Status { get; } = status;

    /// <summary>Statuses that say the request is wrong (the same body fails everywhere), so no other route is tried.</summary>
    public static bool IsClientError(int status) => status is 400 or 413 or 422;

    /// <summary>Statuses worth repeating on the same route.</summary>
    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;
}

public enum UpstreamFailureKind
{
    /// <summary>No answer (or no first event) within the route's timeout.</summary>
    Timeout,

    /// <summary>Connection refused or reset, 5xx, 429, 401/403/404 (the route's own setup), or an unreadable answer.</summary>
    Unavailable,

    /// <summary>The upstream refused the request (400, 413, 422).</summary>
    Rejected,
}
