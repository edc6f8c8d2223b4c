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

    public string ResolveModelsDirectory() =>
        string.IsNullOrWhiteSpace(ModelsDirectory)
            ? Path.Combine(AppContext.BaseDirectory, "models")
            : Path.GetFullPath(ModelsDirectory);
}
