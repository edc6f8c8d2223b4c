using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Platform.Inference.Upstream;

/// <summary>
/// Calls one route's <c>chat/completions</c>. Each route has a Polly pipeline: a timeout per attempt
/// inside retries with exponential backoff and jitter on connection errors, timeouts, 408, 429 and 5xx.
/// A whole answer is retried as a unit; a stream is retried only until its first event arrives, since
/// nothing has reached the client before that. Anything else ends as <see cref="UpstreamFailureException"/>.
/// </summary>
public sealed class UpstreamClient(IHttpClientFactory httpClients, ILogger<UpstreamClient> logger)
{
    public const string HttpClientName = "inference-upstream";

    // The upstream's error text is quoted in logs and problems, not more.
    private const int MaxErrorBodyChars = 2000;

    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);

    /// <summary>A whole (non-streaming) answer as JSON.</summary>
    public async Task<JsonObject> CompleteAsync(UpstreamRoute route, JsonObject body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var answer = await ExecuteAsync(route, async token =>
            {
                using var response = await SendAsync(route, body, token);
                await using var content = await response.Content.ReadAsStreamAsync(token);
                JsonNode? json;
                try
                {
                    json = await JsonNode.ParseAsync(content, cancellationToken: token);
                }
                catch (JsonException exception)
                {
                    throw new UpstreamFailureException(UpstreamFailureKind.Unavailable, route.Name, (int)response.StatusCode, "The upstream's answer is not JSON.", exception);
                }

                return json as JsonObject
                    ?? throw new UpstreamFailureException(UpstreamFailureKind.Unavailable, route.Name, (int)response.StatusCode, "The upstream's answer is not a JSON object.");
            }, cancellationToken);
            Record(route, body, started, "ok");
            return answer;
        }
        catch (UpstreamFailureException failure)
        {
            Record(route, body, started, failure.Kind.ToString().ToLowerInvariant());
            throw;
        }
    }

    /// <summary>Opens a stream and reads its first event (both within the retries); the caller relays the rest and disposes it.</summary>
    public async Task<UpstreamStream> OpenStreamAsync(UpstreamRoute route, JsonObject body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var stream = await ExecuteAsync(route, async token =>
            {
                var response = await SendAsync(route, body, token);
                try
                {
                    var reader = new SseReader(await response.Content.ReadAsStreamAsync(token));
                    var first = await reader.ReadAsync(token)
                        ?? throw new UpstreamFailureException(UpstreamFailureKind.Unavailable, route.Name, (int)response.StatusCode, "The upstream ended the stream before its first event.");
                    return new UpstreamStream(route, response, reader, first, started);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }, cancellationToken);
            UpstreamTelemetry.TimeToFirstEvent.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("route", route.Name));
            return stream;
        }
        catch (UpstreamFailureException failure)
        {
            Record(route, body, started, failure.Kind.ToString().ToLowerInvariant());
            throw;
        }
    }

    private async Task<T> ExecuteAsync<T>(UpstreamRoute route, Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        try
        {
            return await Pipeline(route).ExecuteAsync(attempt, cancellationToken);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new UpstreamFailureException(UpstreamFailureKind.Timeout, route.Name, null,
                $"The upstream did not answer within {route.Timeout.TotalMilliseconds:0} ms.", exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw new UpstreamFailureException(UpstreamFailureKind.Unavailable, route.Name, null, $"The upstream could not be reached or broke off: {exception.Message}", exception);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(UpstreamRoute route, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.ChatCompletionsUri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (route.ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", route.ApiKey);
        }

        var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var error = ErrorMessage(text);
            var kind = UpstreamFailureException.IsClientError(status) ? UpstreamFailureKind.Rejected : UpstreamFailureKind.Unavailable;
            throw new UpstreamFailureException(kind, route.Name, status, $"The upstream answered {status}: {error}");
        }
    }

    /// <summary>OpenAI's <c>{"error": {"message": ...}}</c> when the upstream speaks it, else the start of its text.</summary>
    private static string ErrorMessage(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject json && ChatTokenCounter.Text(json["error"]?["message"]) is { } message)
            {
                return message.Length > MaxErrorBodyChars ? message[..MaxErrorBodyChars] : message;
            }
        }
        catch (JsonException)
        {
            // Not JSON: quote it as text.
        }

        return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text;
    }

    private ResiliencePipeline Pipeline(UpstreamRoute route) => _pipelines.GetOrAdd(route.Name, _ =>
    {
        var builder = new ResiliencePipelineBuilder();
        if (route.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<UpstreamFailureException>(f => f.Kind == UpstreamFailureKind.Unavailable && (f.Status is null || UpstreamFailureException.IsTransient(f.Status.Value))),
                MaxRetryAttempts = route.MaxRetries,
                Delay = route.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    UpstreamTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("route", route.Name));
                    logger.LogWarning(args.Outcome.Exception, "Upstream route {Route} attempt {Attempt} failed; retrying in {DelayMs} ms",
                        route.Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.AddTimeout(route.Timeout).Build();
    });

    private static void Record(UpstreamRoute route, JsonObject body, long started, string outcome) =>
        UpstreamTelemetry.Duration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("route", route.Name),
            new KeyValuePair<string, object?>("model", ChatTokenCounter.Text(body["model"])),
            new KeyValuePair<string, object?>("outcome", outcome));
}
