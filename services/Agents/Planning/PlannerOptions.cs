namespace Platform.Agents.Planning;

/// <summary>The LLM planner (section <c>Agents:Planner</c>).</summary>
public sealed class PlannerOptions
{
    public const string SectionName = "Agents:Planner";

    /// <summary>
    /// The chat model (an upstream route's model or cascade in Inference) that plans runs with planner "llm".
    /// Unset: such runs are refused with 422 <c>urn:platform:problem:planner-unavailable</c>; explicit plans work without it.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Largest answer the planner may give per step, in tokens.</summary>
    public int MaxTokens { get; set; } = 1024;

    /// <summary>How long one planning request may take.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Characters of each earlier step's output shown to the planner (longer outputs are cut, and the cut is said).</summary>
    public int MaxOutputCharacters { get; set; } = 4000;
}
