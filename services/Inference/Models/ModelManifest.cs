using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Inference.Models;

/// <summary>
/// A model folder's <c>manifest.json</c> as written, before validation (so every property is
/// optional here and <see cref="ModelManifestValidator"/> says what is missing or wrong).
/// </summary>
public sealed record ModelManifest(
    string? Name,
    string? Kind,
    string? OnnxFile,
    TokenizerManifest? Tokenizer,
    string? Pooling,
    int? MaxSequenceLength,
    int? Dimensions,
    int? MaxBatchSize,
    IReadOnlyDictionary<string, string>? PriceKeys,
    IReadOnlyList<string>? Labels = null)
{
    /// <summary>Properties the manifest format does not know: reported, so a misspelt field is not silently ignored.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>The tokenizer section: which algorithm and its files, relative to the model folder.</summary>
public sealed record TokenizerManifest(string? Type, string? VocabFile, string? MergesFile, bool? Lowercase)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}
