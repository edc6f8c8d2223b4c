namespace Platform.Inference.Upstream;

/// <summary>One configured upstream server, ready to call.</summary>
public sealed class UpstreamRoute(string name, UpstreamRouteOptions options)
{
    public string Name { get; } = name;

    /// <summary>The chat completions endpoint: the base URL with <c>chat/completions</c> appended.</summary>
    public Uri ChatCompletionsUri { get; } = new(new Uri(options.BaseUrl!.TrimEnd('/') + "/"), "chat/completions");

    public string? ApiKey { get; } = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKey;

    public IReadOnlyDictionary<string, string> Models { get; } = options.Models;

    public TimeSpan Timeout { get; } = TimeSpan.FromMilliseconds(options.TimeoutMs);

    public int Priority { get; } = options.Priority;

    public int MaxRetries { get; } = options.MaxRetries;

    public TimeSpan RetryDelay { get; } = TimeSpan.FromMilliseconds(options.RetryDelayMs);

    public bool RequestStreamUsage { get; } = options.RequestStreamUsage;

    /// <summary>The name this upstream knows <paramref name="model"/> by (an empty mapping keeps the client's name).</summary>
    public string UpstreamModel(string model) => Models.TryGetValue(model, out var mapped) && !string.IsNullOrWhiteSpace(mapped) ? mapped : model;
}
