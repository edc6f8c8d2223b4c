using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Inference.Tests.Upstream;

/// <summary>
/// A test double of a hosted OpenAI-compatible server: real Kestrel on loopback at a random port,
/// answering <c>POST /v1/chat/completions</c> deterministically. By default it echoes the last message
/// ("echo: ..."); <see cref="Behave"/> picks, per call number (1-based), a failure, a delay, an empty
/// or truncated answer, or a stream. Every received body is kept in <see cref="Requests"/>.
/// </summary>
public sealed class OpenAiTestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private OpenAiTestUpstream(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>What call number n does; default: a whole echo answer with usage.</summary>
    public Func<int, JsonObject, UpstreamBehaviour> Behave { get; set; } = (_, _) => UpstreamBehaviour.Echo();

    public string BaseUrl { get; private set; } = "";

    public static async Task<OpenAiTestUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new OpenAiTestUpstream(app);
        app.MapPost("/v1/chat/completions", upstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.BaseUrl = address + "/v1";
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Requests.Enqueue(body);
        var call = Interlocked.Increment(ref _calls);
        var behaviour = Behave(call, body);
        var aborted = context.RequestAborted;
        try
        {
            if (behaviour.DelayMs > 0)
            {
                await Task.Delay(behaviour.DelayMs, aborted);
            }

            if (behaviour.Status != 200)
            {
                context.Response.StatusCode = behaviour.Status;
                await context.Response.WriteAsJsonAsync(new { error = new { message = $"test upstream failure {behaviour.Status}", type = "server_error" } }, aborted);
                return;
            }

            var content = behaviour.Content ?? "echo: " + LastMessage(body);
            var model = body["model"]!.GetValue<string>();
            if (body["stream"]?.GetValue<bool>() == true)
            {
                await StreamAsync(context, body, behaviour, content, model, aborted);
                return;
            }

            var answer = new JsonObject
            {
                ["id"] = $"chatcmpl-test-{call}",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                    ["finish_reason"] = behaviour.FinishReason,
                }),
            };
            if (behaviour.ReportUsage)
            {
                answer["usage"] = Usage(UpstreamBehaviour.ReportedPromptTokens, content);
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString(), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The proxy gave up on this attempt (its timeout); nothing to answer.
        }
    }

    private static async Task StreamAsync(HttpContext context, JsonObject body, UpstreamBehaviour behaviour, string content, string model, CancellationToken aborted)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(aborted);
        var pieces = behaviour.Chunks ?? Split(content);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0 && behaviour.ChunkDelayMs > 0)
            {
                await Task.Delay(behaviour.ChunkDelayMs, aborted);
            }

            var delta = new JsonObject { ["content"] = pieces[i] };
            if (i == 0)
            {
                delta["role"] = "assistant";
            }

            await WriteAsync(context, Chunk(model, delta, null), aborted);
            if (behaviour.BreakAfterChunks == i + 1)
            {
                // Let the sent chunks reach the proxy first: an abort right away may discard them in flight.
                await Task.Delay(200, aborted);
                context.Abort();
                return;
            }
        }

        await WriteAsync(context, Chunk(model, new JsonObject(), behaviour.FinishReason), aborted);
        if (behaviour.ReportUsage && body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usage = new JsonObject
            {
                ["id"] = "chatcmpl-test-stream",
                ["object"] = "chat.completion.chunk",
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = Usage(UpstreamBehaviour.ReportedPromptTokens, string.Concat(pieces)),
            };
            await WriteAsync(context, usage.ToJsonString(), aborted);
        }

        await WriteAsync(context, "[DONE]", aborted);
    }

    private static string Chunk(string model, JsonObject delta, string? finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-test-stream",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    }.ToJsonString();

    private static async Task WriteAsync(HttpContext context, string data, CancellationToken aborted)
    {
        await context.Response.WriteAsync($"data: {data}\n\n", aborted);
        await context.Response.Body.FlushAsync(aborted);
    }

    /// <summary>Reported usage: a fixed prompt count (so a test can tell it from a counted one) and one token per word.</summary>
    private static JsonObject Usage(int prompt, string content)
    {
        var completion = content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
    }

    private static List<string> Split(string content) =>
        [.. content.Split(' ').Select((word, i) => i == 0 ? word : " " + word)];

    private static string LastMessage(JsonObject body) =>
        body["messages"]!.AsArray().Last()!["content"]?.ToString() ?? "";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What the test upstream does for one call.</summary>
public sealed record UpstreamBehaviour
{
    public const int ReportedPromptTokens = 1000;

    public int Status { get; init; } = 200;

    /// <summary>Before anything is sent (headers included): a slow first byte.</summary>
    public int DelayMs { get; init; }

    /// <summary>The answer's text; null echoes the last message.</summary>
    public string? Content { get; init; }

    public string FinishReason { get; init; } = "stop";

    public bool ReportUsage { get; init; } = true;

    /// <summary>Streams: the content deltas (default: the content word by word) and the pause between them.</summary>
    public IReadOnlyList<string>? Chunks { get; init; }

    public int ChunkDelayMs { get; init; }

    /// <summary>Streams: drop the connection after this many content chunks.</summary>
    public int? BreakAfterChunks { get; init; }

    public static UpstreamBehaviour Echo(bool usage = true) => new() { ReportUsage = usage };

    public static UpstreamBehaviour Fail(int status) => new() { Status = status };

    public static UpstreamBehaviour Slow(int delayMs) => new() { DelayMs = delayMs };
}
