using System.Text.Json.Serialization;

namespace Platform.Inference.Models;

public enum ModelKind
{
    /// <summary>An ONNX text encoder: text in, one vector out.</summary>
    [JsonStringEnumMemberName("embedding")]
    Embedding,

    /// <summary>An ONNX classifier: text in, label scores out.</summary>
    [JsonStringEnumMemberName("classifier")]
    Classifier,

    /// <summary>A generator served by an upstream OpenAI-compatible server; nothing runs here.</summary>
    [JsonStringEnumMemberName("generator-upstream")]
    GeneratorUpstream,
}
