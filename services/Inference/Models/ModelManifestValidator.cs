using System.Text.RegularExpressions;

namespace Platform.Inference.Models;

/// <summary>
/// Checks a manifest against its folder: required fields per kind, value ranges, and that every
/// file it names exists inside the folder. Returns the model, or every problem found at once.
/// </summary>
public static partial class ModelManifestValidator
{
    public const int DefaultMaxSequenceLength = 512;
    public const int DefaultMaxBatchSize = 32;
    public const string DefaultPooling = "mean";

    public static readonly IReadOnlyList<string> Kinds = ["embedding", "classifier", "generator-upstream"];
    public static readonly IReadOnlyList<string> Poolings = ["mean", "cls", "max"];
    public static readonly IReadOnlyList<string> TokenizerTypes = ["wordpiece", "bpe"];
    public static readonly IReadOnlyList<string> PriceMeters = ["inputTokens", "outputTokens", "requests"];

    public static (ModelDescriptor? Model, IReadOnlyList<string> Errors) Validate(ModelManifest manifest, string folder)
    {
        var errors = new List<string>();
        var folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        ReportUnknown(manifest.Unknown, "", errors);
        ReportUnknown(manifest.Tokenizer?.Unknown, "tokenizer.", errors);

        if (string.IsNullOrWhiteSpace(manifest.Name))
        {
            errors.Add("name is required");
        }
        else if (!ModelName().IsMatch(manifest.Name))
        {
            errors.Add("name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        else if (!string.Equals(manifest.Name, folderName, StringComparison.Ordinal))
        {
            // The folder name is the model id; requiring them equal keeps ids unique by construction.
            errors.Add($"name '{manifest.Name}' must equal its folder name '{folderName}'");
        }

        ModelKind? kind = manifest.Kind switch
        {
            "embedding" => ModelKind.Embedding,
            "classifier" => ModelKind.Classifier,
            "generator-upstream" => ModelKind.GeneratorUpstream,
            _ => null,
        };
        if (kind is null)
        {
            errors.Add(manifest.Kind is null
                ? $"kind is required: one of {string.Join(", ", Kinds)}"
                : $"kind '{manifest.Kind}' is not one of {string.Join(", ", Kinds)}");
            return (null, errors);
        }

        var runsOnnx = kind is ModelKind.Embedding or ModelKind.Classifier;
        string? onnxPath = null;
        if (runsOnnx)
        {
            onnxPath = FileInFolder(folder, manifest.OnnxFile, "onnxFile", errors, required: true);
            if (manifest.OnnxFile is { } onnxFile && !onnxFile.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("onnxFile must name a .onnx file");
            }
        }
        else
        {
            Forbid(manifest.OnnxFile, "onnxFile", kind.Value, errors);
            Forbid(manifest.MaxBatchSize, "maxBatchSize", kind.Value, errors);
        }

        var tokenizer = ValidateTokenizer(manifest.Tokenizer, folder, required: runsOnnx, errors);

        string? pooling = null;
        int? dimensions = null;
        if (kind == ModelKind.Embedding)
        {
            pooling = manifest.Pooling ?? DefaultPooling;
            if (!Poolings.Contains(pooling))
            {
                errors.Add($"pooling '{pooling}' is not one of {string.Join(", ", Poolings)}");
            }

            dimensions = manifest.Dimensions;
            if (dimensions is null)
            {
                errors.Add("dimensions is required for an embedding model");
            }
            else if (dimensions is < 1 or > 4096)
            {
                errors.Add("dimensions must be between 1 and 4096");
            }
        }
        else
        {
            Forbid(manifest.Pooling, "pooling", kind.Value, errors);
            Forbid(manifest.Dimensions, "dimensions", kind.Value, errors);
        }

        IReadOnlyList<string>? labels = null;
        if (kind == ModelKind.Classifier)
        {
            // The names of the graph's output columns, in order; without them a class is named by its index.
            labels = manifest.Labels;
            if (labels is not null && (labels.Count == 0 || labels.Any(string.IsNullOrWhiteSpace) || labels.Distinct(StringComparer.Ordinal).Count() != labels.Count))
            {
                errors.Add("labels must be a non-empty list of distinct, non-blank names");
            }
        }
        else
        {
            Forbid(manifest.Labels, "labels", kind.Value, errors);
        }

        var maxSequenceLength = manifest.MaxSequenceLength ?? (runsOnnx ? DefaultMaxSequenceLength : null);
        if (maxSequenceLength is < 1 or > 1_048_576)
        {
            errors.Add("maxSequenceLength must be between 1 and 1048576");
        }

        var maxBatchSize = manifest.MaxBatchSize ?? (runsOnnx ? DefaultMaxBatchSize : null);
        if (maxBatchSize is < 1 or > 4096)
        {
            errors.Add("maxBatchSize must be between 1 and 4096");
        }

        var priceKeys = manifest.PriceKeys ?? new Dictionary<string, string>();
        foreach (var (meter, key) in priceKeys)
        {
            if (!PriceMeters.Contains(meter))
            {
                errors.Add($"priceKeys.{meter} is not a meter; use one of {string.Join(", ", PriceMeters)}");
            }

            if (string.IsNullOrWhiteSpace(key) || key.Length > 128)
            {
                errors.Add($"priceKeys.{meter} must be a price key of 1 to 128 characters");
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ModelDescriptor(
            manifest.Name!, kind.Value, onnxPath, tokenizer, pooling, maxSequenceLength, dimensions, maxBatchSize, priceKeys, labels), errors);
    }

    private static TokenizerDescriptor? ValidateTokenizer(TokenizerManifest? tokenizer, string folder, bool required, List<string> errors)
    {
        if (tokenizer is null)
        {
            if (required)
            {
                errors.Add($"tokenizer is required: {{\"type\": {string.Join(" | ", TokenizerTypes)}, \"vocabFile\": ...}}");
            }

            return null;
        }

        if (tokenizer.Type is null || !TokenizerTypes.Contains(tokenizer.Type))
        {
            errors.Add($"tokenizer.type must be one of {string.Join(", ", TokenizerTypes)}");
        }

        var vocab = FileInFolder(folder, tokenizer.VocabFile, "tokenizer.vocabFile", errors, required: true);
        string? merges = null;
        if (tokenizer.Type == "bpe")
        {
            merges = FileInFolder(folder, tokenizer.MergesFile, "tokenizer.mergesFile", errors, required: true);
        }
        else if (tokenizer.MergesFile is not null)
        {
            errors.Add("tokenizer.mergesFile applies only to bpe tokenizers");
        }

        return vocab is null || tokenizer.Type is null
            ? null
            : new TokenizerDescriptor(tokenizer.Type, vocab, merges, tokenizer.Lowercase ?? tokenizer.Type == "wordpiece");
    }

    /// <summary>The absolute path of a file the manifest names, which must exist inside the model folder.</summary>
    private static string? FileInFolder(string folder, string? relative, string field, List<string> errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(relative))
        {
            if (required)
            {
                errors.Add($"{field} is required");
            }

            return null;
        }

        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, relative));
        // A manifest may only point inside its own folder, never at other files on the machine.
        if (Path.IsPathRooted(relative) || !path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            errors.Add($"{field} '{relative}' must be a path inside the model folder");
            return null;
        }

        if (!File.Exists(path))
        {
            errors.Add($"{field} '{relative}' does not exist in the model folder");
            return null;
        }

        return path;
    }

    private static void ReportUnknown(Dictionary<string, System.Text.Json.JsonElement>? unknown, string prefix, List<string> errors)
    {
        foreach (var name in unknown?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add($"{prefix}{name} is not a manifest property");
        }
    }

    private static void Forbid<T>(T? value, string field, ModelKind kind, List<string> errors)
    {
        if (value is not null)
        {
            errors.Add($"{field} does not apply to a {KindName(kind)} model");
        }
    }

    private static string KindName(ModelKind kind) => kind switch
    {
        ModelKind.Embedding => "embedding",
        ModelKind.Classifier => "classifier",
        _ => "generator-upstream",
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ModelName();
}
