using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.Inference.Upstream;

/// <summary>
/// Relays an upstream's server-sent events to the client one by one, flushing after each, and ends
/// with <c>data: [DONE]</c>. Meanwhile it collects the text of the deltas and the final usage chunk,
/// so the usage is known (from the upstream, or counted) when the stream ends, also when it breaks.
/// The usage chunk the platform asked for on the client's behalf is not relayed unless the client asked too.
/// </summary>
public sealed class ChatStreamRelay(ChatTokenCounter counter, ChatCompletionService service, ILogger<ChatStreamRelay> logger)
{
    public async Task RelayAsync(HttpContext context, ChatRequest request, UpstreamStream upstream, string model, Guid accountId)
    {
        using var activity = InferenceTelemetry.Source.StartActivity("chat.completions.stream");
        activity?.SetTag("gen_ai.response.model", model);
        activity?.SetTag("platform.upstream.route", upstream.Route.Name);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers[ChatCompletionsApi.RouteHeader] = upstream.Route.Name;
        response.Headers[ChatCompletionsApi.ModelHeader] = model;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var completions = new SortedDictionary<int, StringBuilder>();
        long? upstreamPrompt = null;
        long? upstreamCompletion = null;
        var sawDone = false;
        var aborted = context.RequestAborted;
        try
        {
            for (var next = upstream.First; next is not null; next = await upstream.ReadAsync(aborted))
            {
                if (next.IsDone)
                {
                    sawDone = true;
                    break;
                }

                var relay = true;
                if (next.Data is { } data && TryParse(data) is { } chunk)
                {
                    Collect(chunk, completions);
                    if (chunk["usage"] is JsonObject usage)
                    {
                        upstreamPrompt = ChatCompletionService.Count(usage["prompt_tokens"]) ?? upstreamPrompt;
                        upstreamCompletion = ChatCompletionService.Count(usage["completion_tokens"]) ?? upstreamCompletion;
                        relay = request.ClientWantsStreamUsage || chunk["choices"] is JsonArray { Count: > 0 };
                    }
                }

                if (relay)
                {
                    await WriteEventAsync(response, next.Raw, aborted);
                }
            }

            await WriteEventAsync(response, "data: " + SseEvent.Done, aborted);
            if (!sawDone)
            {
                logger.LogInformation("Route {Route} ended its stream without [DONE]; the relay added it", upstream.Route.Name);
            }
        }
        catch (Exception exception) when ((exception is UpstreamFailureException or IOException or HttpRequestException) && !aborted.IsCancellationRequested)
        {
            // The client already has a 200 and part of the answer: say what happened in the stream's own terms.
            logger.LogWarning(exception, "Stream from route {Route} broke after it started", upstream.Route.Name);
            var error = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = "The upstream stream broke off: " + exception.Message,
                    ["type"] = "upstream_error",
                    ["code"] = exception is UpstreamFailureException { Kind: UpstreamFailureKind.Timeout } ? "upstream_timeout" : "upstream_failed",
                },
            };
            await TryWriteAsync(response, "data: " + error.ToJsonString());
        }
        catch (Exception exception) when ((exception is OperationCanceledException or IOException) && aborted.IsCancellationRequested)
        {
            logger.LogInformation("Client left a stream from route {Route}; upstream closed", upstream.Route.Name);
        }
        finally
        {
            UpstreamTelemetry.Duration.Record(upstream.Elapsed.TotalSeconds,
                new KeyValuePair<string, object?>("route", upstream.Route.Name),
                new KeyValuePair<string, object?>("model", model),
                new KeyValuePair<string, object?>("outcome", sawDone ? "ok" : "broken"));
            var usage = upstreamPrompt is { } prompt && upstreamCompletion is { } completion
                ? new ChatUsage(prompt, completion, Counted: false)
                : new ChatUsage(
                    counter.CountPrompt(request.Messages, request.Tools),
                    completions.Values.Sum(text => counter.Count(text.ToString())),
                    Counted: true);
            activity?.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
            activity?.SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens);
            await service.AccountAsync(model, upstream.Route.Name, usage, accountId, reportUsage: true, runId: null);
        }
    }

    /// <summary>The text a chunk adds, per choice: content deltas and tool calls' names and arguments.</summary>
    private static void Collect(JsonObject chunk, SortedDictionary<int, StringBuilder> completions)
    {
        if (chunk["choices"] is not JsonArray choices)
        {
            return;
        }

        foreach (var choice in choices.OfType<JsonObject>())
        {
            var index = (int)(ChatCompletionService.Count(choice["index"]) ?? 0);
            if (choice["delta"] is not JsonObject delta)
            {
                continue;
            }

            if (!completions.TryGetValue(index, out var text))
            {
                completions[index] = text = new StringBuilder();
            }

            text.Append(ChatTokenCounter.ContentText(delta["content"]));
            if (delta["tool_calls"] is JsonArray calls)
            {
                foreach (var function in calls.OfType<JsonObject>().Select(c => c["function"]).OfType<JsonObject>())
                {
                    text.Append(ChatTokenCounter.Text(function["name"])).Append(ChatTokenCounter.Text(function["arguments"]));
                }
            }
        }
    }

    private static JsonObject? TryParse(string data)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON: relayed as it came, not counted.
            return null;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string raw, CancellationToken cancellationToken)
    {
        await response.WriteAsync(raw + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task TryWriteAsync(HttpResponse response, string raw)
    {
        try
        {
            await WriteEventAsync(response, raw, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone too; nothing more to say.
        }
    }
}
