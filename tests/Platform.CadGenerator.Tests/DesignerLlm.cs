using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Stands in for an upstream OpenAI-compatible LLM server behind the real Inference service: Kestrel on
/// loopback at a random port, <c>POST /v1/chat/completions</c>. A prompt (the last user message) that
/// starts with a registered marker gets that marker's answer, with usage; any other prompt gets 503, as
/// from a server with no capacity, so those jobs are designed by the prompt parser. Every request is kept.
/// </summary>
public sealed class DesignerLlm : IAsyncDisposable
{
    public const int PromptTokens = 1200;
    public const int CompletionTokens = 80;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);

    private DesignerLlm(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Request bodies received, by the prompt they carried.</summary>
    public ConcurrentDictionary<string, JsonObject> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>Prompts starting with <paramref name="marker"/> are answered with <paramref name="content"/>.</summary>
    public void Answer(string marker, string content) => _answers[marker] = content;

    public static async Task<DesignerLlm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var llm = new DesignerLlm(app);
        app.MapPost("/v1/chat/completions", llm.HandleAsync);
        await app.StartAsync();
        llm.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        return llm;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        var prompt = body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();
        Requests[prompt] = body;
        var answer = _answers.FirstOrDefault(a => prompt.StartsWith(a.Key, StringComparison.Ordinal)).Value;
        if (answer is null)
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "no capacity", type = "server_error" } }, context.RequestAborted);
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "chatcmpl-cad-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = body["model"]!.GetValue<string>(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens },
        }, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
