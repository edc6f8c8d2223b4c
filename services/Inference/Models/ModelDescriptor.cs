namespace Platform.Inference.Models;

/// <summary>A validated manifest with its defaults applied and its file paths made absolute.</summary>
public sealed record ModelDescriptor(
    string Name,
    ModelKind Kind,
    string? OnnxPath,
    TokenizerDescriptor? Tokenizer,
    string? Pooling,
    int? MaxSequenceLength,
    int? Dimensions,
    int? MaxBatchSize,
    IReadOnlyDictionary<string, string> PriceKeys,
    IReadOnlyList<string>? Labels = null)
{
    /// <summary>True for kinds that run an ONNX graph in this service.</summary>
    public bool RunsOnnx => Kind is ModelKind.Embedding or ModelKind.Classifier;
}

public sealed record TokenizerDescriptor(string Type, string VocabPath, string? MergesPath, bool Lowercase);
