using System.Text.Json;

namespace Platform.Inference.Models;

/// <summary>
/// Reads one model folder: parses its <c>manifest.json</c> and validates it (unknown properties
/// included, so a misspelt field is not silently ignored). Never throws for a bad folder:
/// the answer is then an invalid entry with the reason.
/// </summary>
public static class ModelManifestReader
{
    public const string ManifestFileName = "manifest.json";
    private const long MaxManifestBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 8,
    };

    public static ModelEntry Read(string folder)
    {
        var id = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var manifestPath = Path.Combine(folder, ManifestFileName);
        var file = new FileInfo(manifestPath);
        if (!file.Exists)
        {
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} is missing", Directory.GetLastWriteTimeUtc(folder));
        }

        var created = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        if (file.Length > MaxManifestBytes)
        {
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} is larger than {MaxManifestBytes} bytes", created);
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(manifestPath), Options);
        }
        catch (JsonException exception)
        {
            // Type errors name .NET types; say it in the manifest's terms instead.
            var reason = exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
                ? exception.Path?.TrimStart('$', '.') is { Length: > 0 } field ? $"{field} has the wrong type" : "the manifest must be a JSON object"
                : exception.Message;
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} is not valid: {reason}", created);
        }
        catch (IOException exception)
        {
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} cannot be read: {exception.Message}", created);
        }
        catch (UnauthorizedAccessException exception)
        {
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} cannot be read: {exception.Message}", created);
        }

        if (manifest is null)
        {
            return ModelEntry.Invalid(id, folder, $"{ManifestFileName} must hold a JSON object", created);
        }

        var (model, errors) = ModelManifestValidator.Validate(manifest, folder);
        return model is null
            ? ModelEntry.Invalid(id, folder, string.Join("; ", errors), created)
            : ModelEntry.Available(id, folder, model, created);
    }
}
