namespace Platform.Retrieval.Index;

/// <summary>One stored vector and its payload (the chunk text, its document and tags).</summary>
public sealed record VectorPoint(
    string Id,
    float[] Vector,
    string? Text = null,
    string? DocumentId = null,
    IReadOnlyList<string>? Tags = null);
