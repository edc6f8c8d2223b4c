namespace Platform.CadGenerator.Design;

/// <summary>
/// Designing prompt jobs with an LLM through Inference (section <c>CadGenerator:Design</c>). A prompt
/// job asks Inference (bus <c>Generate</c>) for <see cref="Model"/>; when Inference has no upstream
/// route serving it (or none at all), fails, or does not answer in time, the deterministic prompt
/// parser designs the job instead, and the job's notes say why.
/// </summary>
public sealed class LlmDesignOptions
{
    public const string SectionName = "CadGenerator:Design";

    /// <summary>
    /// The model name asked of Inference, mapped to a real model by an upstream route there
    /// (<c>Inference:Upstream:Routes:&lt;route&gt;:Models</c>). Empty: never ask; the parser designs every prompt job.
    /// Billing needs a price for the model that answers, as its tokens are metered with the render.
    /// </summary>
    public string Model { get; set; } = "cad-designer";

    /// <summary>How long a job waits for Inference's answer before the parser designs it instead.</summary>
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>Upper bound on the answer's tokens (a whole OpenSCAD program fits in far fewer).</summary>
    public int MaxTokens { get; set; } = 4096;

    public double Temperature { get; set; } = 0.2;

    public bool Enabled => !string.IsNullOrWhiteSpace(Model);
}
