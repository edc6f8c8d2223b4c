using Platform.Inference.Models;

namespace Platform.Inference.Embeddings;

/// <summary>A checked <c>POST /v1/embeddings</c> body.</summary>
public sealed record EmbeddingRequest(string Model, IReadOnlyList<ModelInput> Inputs, bool Base64, int? Dimensions);
