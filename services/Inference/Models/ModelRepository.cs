using Microsoft.Extensions.Options;

namespace Platform.Inference.Models;

/// <summary>
/// The model repository (Triton's term): one folder per model under
/// <see cref="InferenceOptions.ModelsDirectory"/>. Read once at start; a broken manifest makes its
/// model invalid (listed with the reason, and logged), never the service unable to start.
/// </summary>
public sealed class ModelRepository
{
    private readonly ILogger<ModelRepository> _logger;
    private readonly IReadOnlyDictionary<string, ModelEntry> _models;

    public ModelRepository(IOptions<InferenceOptions> options, ILogger<ModelRepository> logger)
    {
        _logger = logger;
        Directory = options.Value.ResolveModelsDirectory();
        _models = Load();
    }

    public string Directory { get; }

    /// <summary>Every model, valid or not, ordered by id.</summary>
    public IReadOnlyList<ModelEntry> All => [.. _models.Values.OrderBy(m => m.Id, StringComparer.Ordinal)];

    public ModelEntry? Find(string id) => _models.GetValueOrDefault(id);

    private Dictionary<string, ModelEntry> Load()
    {
        var models = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(Directory))
        {
            _logger.LogWarning("Model repository {Directory} does not exist; no models are served", Directory);
            return models;
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var entry = ModelManifestReader.Read(folder);
            models[entry.Id] = entry;
            if (entry.State == ModelState.Invalid)
            {
                _logger.LogWarning("Model {ModelId} in {Folder} is invalid: {Reason}", entry.Id, folder, entry.Reason);
                InferenceTelemetry.InvalidManifests.Add(1);
            }
            else
            {
                _logger.LogInformation("Model {ModelId} ({Kind}) is available from {Folder}", entry.Id, entry.Model!.Kind, folder);
            }
        }

        _logger.LogInformation(
            "Model repository {Directory}: {Available} available, {Invalid} invalid",
            Directory, models.Values.Count(m => m.State == ModelState.Available), models.Values.Count(m => m.State == ModelState.Invalid));
        return models;
    }
}
