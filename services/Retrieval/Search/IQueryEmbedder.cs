namespace Platform.Retrieval.Search;

/// <summary>
/// Turns query text into a vector for vector and hybrid search when the caller sends none.
/// Throws <see cref="QueryEmbeddingUnavailableException"/> when it cannot.
/// </summary>
public interface IQueryEmbedder
{
    Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken);
}
