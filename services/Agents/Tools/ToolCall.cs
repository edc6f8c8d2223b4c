using System.Text.Json;
using Platform.Agents.Runs;

namespace Platform.Agents.Tools;

/// <summary>One attempt of a step's tool call, with the run's identity (for idempotency keys and logs) and its domain rules.</summary>
public sealed record ToolCall(
    Guid RunId,
    Guid AccountId,
    int StepIndex,
    int Attempt,
    ToolDefinition Tool,
    JsonElement Input,
    IReadOnlyList<string> AllowedDomains)
{
    /// <summary>Sent to HTTP tools as <c>Idempotency-Key</c>: the same for a repeated delivery of one attempt, new for each attempt.</summary>
    public string IdempotencyKey => $"agents-{RunId:N}-s{StepIndex}-a{Attempt}";

    public bool DomainAllowed(string host) => AllowedDomains.Count == 0 || AllowedDomains.Any(d => DomainPattern.Matches(d, host));
}
