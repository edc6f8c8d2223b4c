using System.Text.Json;
using Platform.Agents.Runs;

namespace Platform.Agents.Tools;

/// <summary>
/// One attempt of a step's tool call, with the run's identity (for idempotency keys and logs), its domain rules, and
/// the run's reservation with the step's estimated cost (for tools whose own service meters against the run's budget).
/// </summary>
public sealed record ToolCall(
    Guid RunId,
    Guid AccountId,
    int StepIndex,
    int Attempt,
    ToolDefinition Tool,
    JsonElement Input,
    IReadOnlyList<string> AllowedDomains,
    string? ReservationId = null,
    long EstimatedCost = 0)
{
    /// <summary>Sent to HTTP tools as <c>Idempotency-Key</c>: the same for a repeated delivery of one attempt, new for each attempt.</summary>
    public string IdempotencyKey => $"agents-{RunId:N}-s{StepIndex}-a{Attempt}";

    /// <summary>The same for every attempt of a step: a platform tool that keeps its requests by key answers a later attempt with what the first one started.</summary>
    public string StepKey => $"agents-{RunId:N}-s{StepIndex}";

    public bool DomainAllowed(string host) => AllowedDomains.Count == 0 || AllowedDomains.Any(d => DomainPattern.Matches(d, host));
}
