using System.Text.Json;
using Platform.Inference.Models;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Embeddings;

/// <summary>
/// Checks a body against OpenAI's embeddings request: <c>input</c> is a string, an array of strings,
/// an array of token ids or an array of such arrays; <c>model</c> a string; <c>encoding_format</c>
/// <c>float</c> or <c>base64</c>; <c>dimensions</c> a positive integer; <c>user</c> a string (ignored).
/// Every error at once, keyed by JSON path. Other fields are refused, so a typo is not silently ignored.
/// </summary>
public static class EmbeddingRequestReader
{
    public const int MaxModelLength = 256;
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "input", "model", "encoding_format", "dimensions", "user" };

    public static EmbeddingRequest? Read(JsonElement root, int maxInputs, Validator errors) =>
        Read(root, maxInputs, errors, requireModel: true, "input");

    public static EmbeddingRequest? Read(JsonElement root, int maxInputs, Validator errors, bool requireModel, string inputField)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "must be a JSON object");
            return null;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Known.Contains(property.Name) && property.Name != inputField)
            {
                errors.Add(property.Name, "is not a field of this request");
            }
        }

        string? model = null;
        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind == JsonValueKind.Null)
        {
            if (requireModel)
            {
                errors.Add("model", "is required");
            }
        }
        else if (modelElement.ValueKind != JsonValueKind.String)
        {
            errors.Add("model", "must be a string");
        }
        else
        {
            model = modelElement.GetString()!;
            if (model.Length is 0 or > MaxModelLength)
            {
                errors.Add("model", $"must be 1 to {MaxModelLength} characters");
            }
        }

        var inputs = Inputs(root, inputField, maxInputs, errors);

        var base64 = false;
        if (root.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            if (format.ValueKind != JsonValueKind.String || format.GetString() is not ("float" or "base64"))
            {
                errors.Add("encoding_format", "must be 'float' or 'base64'");
            }
            else
            {
                base64 = format.GetString() == "base64";
            }
        }

        int? dimensions = null;
        if (root.TryGetProperty("dimensions", out var dims) && dims.ValueKind != JsonValueKind.Null)
        {
            if (dims.ValueKind != JsonValueKind.Number || !dims.TryGetInt32(out var value) || value < 1)
            {
                errors.Add("dimensions", "must be a positive integer");
            }
            else
            {
                dimensions = value;
            }
        }

        if (root.TryGetProperty("user", out var user) && user.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            errors.Add("user", "must be a string");
        }

        return errors.IsValid ? new EmbeddingRequest(model ?? "", inputs!, base64, dimensions) : null;
    }

    private static List<ModelInput>? Inputs(JsonElement root, string field, int maxInputs, Validator errors)
    {
        if (!root.TryGetProperty(field, out var input) || input.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, "is required: a string, an array of strings, an array of token ids or an array of token id arrays");
            return null;
        }

        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return NonEmpty(input.GetString()!, field, errors) is { } text ? [ModelInput.FromText(text)] : null;
            case JsonValueKind.Array:
                break;
            default:
                errors.Add(field, "must be a string, an array of strings, an array of token ids or an array of token id arrays");
                return null;
        }

        var count = input.GetArrayLength();
        if (count == 0)
        {
            errors.Add(field, "must not be empty");
            return null;
        }

        if (count > maxInputs)
        {
            errors.Add(field, $"has {count} inputs; at most {maxInputs} are allowed per request");
            return null;
        }

        // One array of numbers is one tokenised input (OpenAI's int[] form).
        if (input[0].ValueKind == JsonValueKind.Number)
        {
            return TokenIds(input, field, errors) is { } ids ? [ModelInput.FromTokens(ids)] : null;
        }

        var inputs = new List<ModelInput>(count);
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = $"{field}[{index++}]";
            switch (item.ValueKind)
            {
                case JsonValueKind.String when NonEmpty(item.GetString()!, path, errors) is { } text:
                    inputs.Add(ModelInput.FromText(text));
                    break;
                case JsonValueKind.Array when TokenIds(item, path, errors) is { } ids:
                    inputs.Add(ModelInput.FromTokens(ids));
                    break;
                case JsonValueKind.String or JsonValueKind.Array:
                    break;
                default:
                    errors.Add(path, "must be a string or an array of token ids (all inputs of one kind)");
                    break;
            }
        }

        return inputs;
    }

    private static string? NonEmpty(string text, string path, Validator errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(path, "must not be empty");
            return null;
        }

        return text;
    }

    private static int[]? TokenIds(JsonElement array, string path, Validator errors)
    {
        if (array.GetArrayLength() == 0)
        {
            errors.Add(path, "must not be empty");
            return null;
        }

        var ids = new int[array.GetArrayLength()];
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id) || id < 0)
            {
                errors.Add($"{path}[{index}]", "must be a non-negative integer token id");
                return null;
            }

            ids[index++] = id;
        }

        return ids;
    }
}
