namespace Platform.Agents.Tools;

/// <summary>Runs the calls of some tools. Failures are results (typed), not exceptions; only cancellation throws.</summary>
public interface IToolRunner
{
    bool Runs(ToolDefinition tool);

    Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken);
}
