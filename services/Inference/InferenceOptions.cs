using Platform.Inference.Batching;
using Platform.Inference.Models;

namespace Platform.Inference;

/// <summary>Bound from the <c>Inference</c> section (environment: <c>Inference__ModelsDirectory</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// The model repository: one folder per model, each with a <c>manifest.json</c>. Defaults to the
    /// <c>models</c> folder shipped next to the application; a relative path is read from the working directory.
    /// </summary>
    public string? ModelsDirectory { get; set; }

    /// <summary><c>auto</c> | <c>cpu</c> | <c>cuda</c>.</summary>
    public ExecutionDevice Device { get; set; } = ExecutionDevice.Auto;

    public OnnxSessionOptions Session { get; set; } = new();

    public BatchingOptions Batching { get; set; } = new();

    /// <summary><c>truncate</c> (cut to the model's maxSequenceLength and report it) or <c>error</c> (400).</summary>
    public TruncationMode Truncation { get; set; } = TruncationMode.Truncate;

    /// <summary>Most inputs in one embeddings or classify request (OpenAI allows 2048).</summary>
    public int MaxInputs { get; set; } = 2048;

    /// <summary>The model used when a bus request names none.</summary>
    public string DefaultEmbeddingModel { get; set; } = "platform-embed-256";

    public string ResolveModelsDirectory() =>
        string.IsNullOrWhiteSpace(ModelsDirectory)
            ? Path.Combine(AppContext.BaseDirectory, "models")
            : Path.GetFullPath(ModelsDirectory);
}
