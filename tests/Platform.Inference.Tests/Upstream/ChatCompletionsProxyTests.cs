using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Upstream;
using Xunit;

namespace Platform.Inference.Tests.Upstream;

/// <summary>Whole (non-streaming) chat completions through the proxy to real loopback upstreams.</summary>
public sealed class ChatCompletionsProxyTests : IAsyncLifetime
{
    private OpenAiTestUpstream _primary = null!;
    private OpenAiTestUpstream _fallback = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await OpenAiTestUpstream.StartAsync();
        _fallback = await OpenAiTestUpstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Task<InferenceHost> StartWithFallbackAsync(int timeoutMs = 2000, int maxRetries = 2)
    {
        var settings = InferenceHost.Route([], "primary", _primary.BaseUrl, "chat-small=upstream-small", priority: 0, timeoutMs, maxRetries);
        return InferenceHost.StartAsync(InferenceHost.Route(settings, "backup", _fallback.BaseUrl, "chat-small=backup-small", priority: 1, timeoutMs, maxRetries));
    }

    private static object Chat(string model = "chat-small", string text = "hello there") => new
    {
        model,
        messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = text } },
        temperature = 0.2,
        max_tokens = 64,
        tools = new object[] { new { type = "function", function = new { name = "lookup", parameters = new { type = "object" } } } },
        x_custom = new { kept = true },
    };

    [Fact]
    public async Task Answers_in_openai_shape_with_the_upstream_usage_and_reports_it_to_billing()
    {
        await using var host = await StartWithFallbackAsync();

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        var body = await ReadAsync(response, 200);

        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.Equal("echo: hello there", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, body["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal("primary", Header(response, ChatCompletionsApi.RouteHeader));
        Assert.Equal("upstream", Header(response, ChatCompletionsApi.UsageSourceHeader));

        // The upstream got its own model name and every field the client sent, unknown ones included.
        var sent = Assert.Single(_primary.Requests);
        Assert.Equal("upstream-small", sent["model"]!.GetValue<string>());
        Assert.True(sent["x_custom"]!["kept"]!.GetValue<bool>());
        Assert.Equal("lookup", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(64, sent["max_tokens"]!.GetValue<int>());

        var usage = Assert.Single(await host.Usage.WaitForAsync(1));
        Assert.Equal(InferenceHost.AccountId, usage.AccountId);
        Assert.Equal("chat-small", usage.Model);
        Assert.Equal("generation", usage.Kind);
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, usage.InputTokens);
        Assert.Equal(3, usage.OutputTokens);
        Assert.StartsWith("chat:primary:", usage.TransferId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_upstream_usage_tokens_are_counted_with_gpt2_bpe()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Echo(usage: false);
        await using var host = await StartWithFallbackAsync();

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(text: "Count me: naïve café, don't 👋"), Cancel);
        var body = await ReadAsync(response, 200);

        var counter = host.Services.GetRequiredService<ChatTokenCounter>();
        var tokenizer = host.Services.GetRequiredService<Platform.Inference.Tokenizers.Bpe.Gpt2Tokenizer>();
        var toolsJson = JsonSerializer.SerializeToNode(Chat())!["tools"]!.ToJsonString();
        // The documented rule: 3 per message + role + content, 3 to prime the reply, the tools' JSON.
        var expectedPrompt = 3
            + 3 + tokenizer.CountTokens("system") + tokenizer.CountTokens("Be brief.")
            + 3 + tokenizer.CountTokens("user") + tokenizer.CountTokens("Count me: naïve café, don't 👋")
            + tokenizer.CountTokens(toolsJson);
        var expectedCompletion = tokenizer.CountTokens("echo: Count me: naïve café, don't 👋");
        Assert.Equal(expectedPrompt, body["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(expectedCompletion, body["usage"]!["completion_tokens"]!.GetValue<long>());
        Assert.Equal(expectedPrompt + expectedCompletion, body["usage"]!["total_tokens"]!.GetValue<long>());
        Assert.Equal("counted", Header(response, ChatCompletionsApi.UsageSourceHeader));
        Assert.Equal(expectedCompletion, counter.Count("echo: Count me: naïve café, don't 👋"));

        var usage = Assert.Single(await host.Usage.WaitForAsync(1));
        Assert.Equal(expectedPrompt, usage.InputTokens);
        Assert.Equal(expectedCompletion, usage.OutputTokens);
    }

    [Fact]
    public async Task Server_errors_are_retried_on_the_same_route()
    {
        _primary.Behave = (call, _) => call <= 2 ? UpstreamBehaviour.Fail(500) : UpstreamBehaviour.Echo();
        await using var host = await StartWithFallbackAsync(maxRetries: 2);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        await ReadAsync(response, 200);

        Assert.Equal(3, _primary.Calls);
        Assert.Equal(0, _fallback.Calls);
        Assert.Equal("primary", Header(response, ChatCompletionsApi.RouteHeader));
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        _primary.Behave = (call, _) => call == 1 ? UpstreamBehaviour.Slow(5000) : UpstreamBehaviour.Echo();
        await using var host = await StartWithFallbackAsync(timeoutMs: 1000, maxRetries: 1);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        await ReadAsync(response, 200);

        Assert.Equal(2, _primary.Calls);
        Assert.Equal("primary", Header(response, ChatCompletionsApi.RouteHeader));
    }

    [Fact]
    public async Task A_failing_route_falls_back_to_the_next_by_priority()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(503);
        await using var host = await StartWithFallbackAsync(maxRetries: 1);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        var body = await ReadAsync(response, 200);

        Assert.Equal(2, _primary.Calls);
        Assert.Equal(1, _fallback.Calls);
        Assert.Equal("backup", Header(response, ChatCompletionsApi.RouteHeader));
        Assert.Equal("backup-small", Assert.Single(_fallback.Requests)["model"]!.GetValue<string>());
        Assert.Equal("echo: hello there", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var usage = Assert.Single(await host.Usage.WaitForAsync(1));
        Assert.StartsWith("chat:backup:", usage.TransferId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timing_out_route_falls_back()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Slow(5000);
        await using var host = await StartWithFallbackAsync(timeoutMs: 1000, maxRetries: 1);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        await ReadAsync(response, 200);

        Assert.Equal("backup", Header(response, ChatCompletionsApi.RouteHeader));
        Assert.Equal(2, _primary.Calls);
    }

    [Fact]
    public async Task When_every_route_fails_the_answer_is_a_502_problem_and_nothing_is_billed()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(500);
        _fallback.Behave = (_, _) => UpstreamBehaviour.Fail(502);
        await using var host = await StartWithFallbackAsync(maxRetries: 1);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        var problem = await ReadAsync(response, 502);

        Assert.Equal(UpstreamProblems.UpstreamFailed, problem["type"]!.GetValue<string>());
        Assert.Equal("backup", problem["route"]!.GetValue<string>());
        Assert.Equal(502, problem["upstreamStatus"]!.GetValue<int>());
        Assert.Equal(2, _primary.Calls);
        Assert.Equal(2, _fallback.Calls);
        await Task.Delay(200, Cancel);
        Assert.Empty(host.Usage.Reports);
    }

    [Fact]
    public async Task When_every_route_times_out_the_answer_is_a_504_problem()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Slow(5000);
        _fallback.Behave = (_, _) => UpstreamBehaviour.Slow(5000);
        await using var host = await StartWithFallbackAsync(timeoutMs: 200, maxRetries: 0);

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        var problem = await ReadAsync(response, 504);

        Assert.Equal(UpstreamProblems.UpstreamTimeout, problem["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upstream_rejection_of_the_request_is_neither_retried_nor_sent_elsewhere()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(400);
        await using var host = await StartWithFallbackAsync();

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions", Chat(), Cancel);
        var problem = await ReadAsync(response, 400);

        Assert.Equal(UpstreamProblems.UpstreamRejected, problem["type"]!.GetValue<string>());
        Assert.Contains("test upstream failure 400", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, _primary.Calls);
        Assert.Equal(0, _fallback.Calls);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
