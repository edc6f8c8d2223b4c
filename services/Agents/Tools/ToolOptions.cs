namespace Platform.Agents.Tools;

/// <summary>How Agents runs tools (section <c>Agents:Tools</c>).</summary>
public sealed class ToolOptions
{
    public const string SectionName = "Agents:Tools";

    /// <summary>Model (an Inference route's model or cascade) for <c>inference.generate</c> calls that name none; unset: such calls fail permanently.</summary>
    public string? DefaultChatModel { get; set; }

    /// <summary>Largest HTTP tool response body kept as a step's output; a larger one fails the step permanently.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Steps this instance runs at once (1..4096). A step mostly waits on its tool (a remote call, a CAD render), so
    /// this is far above the bus's PrefetchCount: with 32, 100 runs of 1 s tools queued behind 32 calls at a time.
    /// </summary>
    public int MaxConcurrentSteps { get; set; } = 256;
}
