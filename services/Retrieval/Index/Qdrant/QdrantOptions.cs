namespace Platform.Retrieval.Index.Qdrant;

/// <summary>Bound from <c>Retrieval:Qdrant</c> (environment: <c>Retrieval__Qdrant__Url</c>, <c>Retrieval__Qdrant__ApiKey</c>).</summary>
public sealed class QdrantOptions
{
    public const string SectionName = "Retrieval:Qdrant";

    /// <summary>The REST endpoint, e.g. <c>http://127.0.0.1:6333</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Sent as the <c>api-key</c> header when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Qdrant collections are named <c>{prefix}d{dimension}</c>: one per vector size, shared by all
    /// accounts and platform collections, which are payload fields with keyword indexes (Qdrant's
    /// recommended multitenancy: many small collections cost far more than payload filters).
    /// </summary>
    public string CollectionPrefix { get; set; } = "platform_";

    /// <summary>Per request; a Qdrant that does not answer in time is reported unavailable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
