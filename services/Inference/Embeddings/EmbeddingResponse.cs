using System.Text.Json.Serialization;

namespace Platform.Inference.Embeddings;

// OpenAI's response shape (documents the OpenAPI schema; EmbeddingsApi writes it with a Utf8JsonWriter), snake_case as OpenAI writes it (the platform's own DTOs are camelCase),
// so OpenAI client libraries read it unchanged. `embedding` is a float array or, with
// encoding_format "base64", the little-endian float32 bytes in base64.

public sealed record EmbeddingResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingData> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingUsage Usage);

public sealed record EmbeddingData(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] object Embedding);

/// <summary>OpenAI's usage plus <c>truncated_inputs</c>: how many inputs were cut to the model's maximum length.</summary>
public sealed record EmbeddingUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens,
    [property: JsonPropertyName("truncated_inputs")] int TruncatedInputs);
