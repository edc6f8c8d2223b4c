namespace Platform.CadGenerator.Jobs;

/// <summary>An LLM's answer to a job's design request, as Inference relayed it (not yet trusted: the producer checks it).</summary>
public sealed record DesignProposal(string Model, string Route, string Content, string? FinishReason);
