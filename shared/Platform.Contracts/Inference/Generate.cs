namespace Platform.Contracts.Inference;

/// <summary>
/// Asks Inference for a chat completion from the upstream routes that serve <paramref name="Model"/>
/// (a cascade name works too), not streamed. Answered with <see cref="Generated"/> or <see cref="GenerationFailed"/>.
/// Usage is NOT reported to Billing for bus requests: the requester meters <see cref="Generated"/>'s
/// token counts itself (e.g. Agents, against the run's reservation), so it is never charged twice.
/// </summary>
/// <param name="Messages">The conversation, oldest first (at least one).</param>
/// <param name="MaxTokens">Upper bound on the answer's tokens, passed to the upstream as <c>max_tokens</c>.</param>
/// <param name="Temperature">0 to 2, passed through.</param>
/// <param name="RunId">The agent run (or other work) this is part of, for logs and traces.</param>
public sealed record Generate(
    Guid AccountId,
    string Model,
    IReadOnlyList<GenerateMessage> Messages,
    int? MaxTokens = null,
    double? Temperature = null,
    string? RunId = null);

/// <summary>One chat message: <paramref name="Role"/> is system, user, assistant (or developer).</summary>
public sealed record GenerateMessage(string Role, string Content);

/// <summary>
/// The answer of the first choice. <paramref name="Model"/> and <paramref name="Route"/> name what
/// answered (in a cascade, the model that gave this answer). <paramref name="FinishReason"/> is the
/// upstream's (<c>stop</c>, <c>length</c>, <c>tool_calls</c>, ...). Tokens are the upstream's counts, or
/// GPT-2 BPE counts when it gave none (<paramref name="TokensCounted"/>).
/// </summary>
public sealed record Generated(
    string Model,
    string Route,
    string Content,
    string? FinishReason,
    long InputTokens,
    long OutputTokens,
    bool TokensCounted);

/// <summary>
/// No answer. <paramref name="Reason"/> is one of <see cref="GenerationFailureReasons"/> (stable);
/// <paramref name="Detail"/> is for people.
/// </summary>
public sealed record GenerationFailed(string Model, string Reason, string Detail);

public static class GenerationFailureReasons
{
    /// <summary>The request is not valid (no messages, a bad role, an out-of-range parameter).</summary>
    public const string Invalid = "invalid";

    /// <summary>No route serves the model (or none is configured at all).</summary>
    public const string UnknownModel = "unknown-model";

    /// <summary>Every route failed (errors, 5xx) after retries and fallbacks.</summary>
    public const string UpstreamFailed = "upstream-failed";

    /// <summary>Every route timed out.</summary>
    public const string UpstreamTimeout = "upstream-timeout";

    /// <summary>The upstream refused the request as invalid (400/413/422).</summary>
    public const string UpstreamRejected = "upstream-rejected";
}
