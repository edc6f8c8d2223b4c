namespace Platform.Retrieval.Search;

/// <summary>The query could not be embedded (no embedder configured, Inference refused or did not answer).</summary>
public sealed class QueryEmbeddingUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
