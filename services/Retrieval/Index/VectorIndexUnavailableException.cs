namespace Platform.Retrieval.Index;

/// <summary>
/// The backend behind the index (Qdrant) could not do the operation: unreachable, timed out, or
/// answered with an error. The API answers 503 with <c>dependency-unavailable</c>; writes may be
/// retried (upserts and deletes are idempotent).
/// </summary>
public sealed class VectorIndexUnavailableException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The backend's HTTP status when it answered at all.</summary>
    public int? Status { get; } = status;
}
