namespace Platform.Retrieval;

/// <summary>The backend in use, for metric tags and logs.</summary>
public sealed record RetrievalBackendInfo(RetrievalBackend Backend)
{
    public string Tag { get; } = Backend.ToString().ToLowerInvariant();
}
