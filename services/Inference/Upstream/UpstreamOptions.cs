namespace Platform.Inference.Upstream;

/// <summary>
/// Bound from <c>Inference:Upstream</c> (environment: <c>Inference__Upstream__Routes__local__BaseUrl</c>, ...).
/// With no routes, <c>/v1/chat/completions</c> answers 503: the platform never invents an answer.
/// </summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "Inference:Upstream";

    /// <summary>OpenAI-compatible servers by route name (vLLM, Ollama, a hosted API).</summary>
    public Dictionary<string, UpstreamRouteOptions> Routes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cheap-first cascades by the model name clients ask for (see <see cref="CascadeOptions"/>).</summary>
    public Dictionary<string, CascadeOptions> Cascades { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Most messages one chat request may carry.</summary>
    public int MaxMessages { get; set; } = 1024;
}

public sealed class UpstreamRouteOptions
{
    /// <summary>The server's OpenAI base URL, e.g. <c>http://127.0.0.1:11434/v1</c>; <c>chat/completions</c> is appended.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Model names clients use → the name this upstream knows them by (empty: the same name).</summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per attempt: for a whole answer, or for a stream until its first event and then between events.</summary>
    public int TimeoutMs { get; set; } = 60_000;

    /// <summary>Lower first: among the routes serving a model, the others are fallbacks in this order (then by name).</summary>
    public int Priority { get; set; }

    /// <summary>Retries after the first attempt, on connection errors, timeouts, 429 and 5xx (streams: only before the first event).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; doubles per retry, with jitter.</summary>
    public int RetryDelayMs { get; set; } = 200;

    /// <summary>Ask streams for a final usage chunk (<c>stream_options.include_usage</c>); turn off for servers that reject it.</summary>
    public bool RequestStreamUsage { get; set; } = true;
}

/// <summary>
/// A model name that tries <see cref="Models"/> in order, cheapest first. The next model is tried when
/// the current one fails on all its routes, or (whole answers only) answers with nothing (no text and no
/// tool calls) or was cut off by the token limit (<c>finish_reason: "length"</c>). Streams escalate only
/// when a model fails before its first event: once text has reached the client it is not taken back.
/// </summary>
public sealed class CascadeOptions
{
    public List<string> Models { get; set; } = [];
}
