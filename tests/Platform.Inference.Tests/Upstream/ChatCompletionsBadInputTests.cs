using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Xunit;
using static Platform.Inference.Tests.Upstream.ChatCompletionsProxyTests;

namespace Platform.Inference.Tests.Upstream;

/// <summary>Bad requests get problem details before any upstream is called; never a 500, never a made-up answer.</summary>
public sealed class ChatCompletionsBadInputTests : IAsyncLifetime
{
    private OpenAiTestUpstream _upstream = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await OpenAiTestUpstream.StartAsync();
        _host = await InferenceHost.StartAsync(InferenceHost.Route([], "local", _upstream.BaseUrl, "chat-small"));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<System.Text.Json.Nodes.JsonObject> PostRawAsync(string json, int status, string type, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await _host.Client.PostAsync("/v1/chat/completions", content, Cancel);
        var problem = await ReadAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, problem["type"]!.GetValue<string>());
        Assert.NotNull(problem["traceId"]);
        return problem;
    }

    [Fact]
    public async Task Missing_messages_is_a_validation_problem_naming_the_field()
    {
        var problem = await PostRawAsync("""{"model":"chat-small"}""", 400, "urn:platform:problem:validation");

        Assert.NotNull(problem["errors"]!["messages"]);
        Assert.Equal(0, _upstream.Calls);
    }

    [Fact]
    public async Task Wrong_types_and_ranges_are_reported_together()
    {
        var problem = await PostRawAsync("""
            {"model": 42, "messages": [{"role": "wizard", "content": 7}, "hi", {"role": "tool", "content": "x"}],
             "temperature": "hot", "stream": "yes", "max_tokens": 1.5, "top_p": 3, "n": 0, "stop": [1], "tools": {}}
            """, 400, "urn:platform:problem:validation");

        var errors = problem["errors"]!.AsObject();
        foreach (var field in new[] { "model", "messages[0].role", "messages[0].content", "messages[1]", "messages[2].tool_call_id", "temperature", "stream", "max_tokens", "top_p", "n", "stop", "tools" })
        {
            Assert.True(errors.ContainsKey(field), $"no error for {field}: {errors.ToJsonString()}");
        }

        Assert.Equal(0, _upstream.Calls);
    }

    [Fact]
    public async Task Empty_messages_and_a_non_object_body_are_validation_problems()
    {
        var empty = await PostRawAsync("""{"model":"chat-small","messages":[]}""", 400, "urn:platform:problem:validation");
        Assert.NotNull(empty["errors"]!["messages"]);

        var array = await PostRawAsync("""[1,2,3]""", 400, "urn:platform:problem:validation");
        Assert.NotNull(array["errors"]!["body"]);
    }

    [Fact]
    public async Task An_unknown_model_is_404_listing_the_models_served()
    {
        var problem = await PostRawAsync("""{"model":"gpt-unknown","messages":[{"role":"user","content":"hi"}]}""", 404, "urn:platform:problem:not-found");

        Assert.Contains("gpt-unknown", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("chat-small", problem["models"]![0]!.GetValue<string>());
        Assert.Equal(0, _upstream.Calls);
    }

    [Fact]
    public async Task Malformed_json_is_a_malformed_request_problem()
    {
        var problem = await PostRawAsync("""{"model":"chat-small","messages":[{"role":"user","content":"hi"}""", 400, "urn:platform:problem:malformed-request");

        Assert.Contains("line", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await PostRawAsync("", 400, "urn:platform:problem:malformed-request");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = $$"""{"model":"chat-small","messages":[{"role":"user","content":"{{new string('a', 2 * 1024 * 1024)}}"}]}""";

        await PostRawAsync(huge, 413, "urn:platform:problem:payload-too-large");
        Assert.Equal(0, _upstream.Calls);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        await PostRawAsync("model=chat-small", 415, "urn:platform:problem:unsupported-media-type", "application/x-www-form-urlencoded");
    }

    [Fact]
    public async Task Without_a_key_the_answer_is_401()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        using var response = await anonymous.PostAsJsonAsync("/v1/chat/completions", new { model = "chat-small", messages = new[] { new { role = "user", content = "hi" } } }, Cancel);

        await ReadAsync(response, 401);
        Assert.Equal(0, _upstream.Calls);
    }
}

/// <summary>With no route configured the proxy says so (503), for valid requests; it never answers by itself.</summary>
public sealed class NoUpstreamConfiguredTests
{
    [Fact]
    public async Task Chat_completions_answer_503_dependency_unavailable()
    {
        await using var host = await InferenceHost.StartAsync(new Dictionary<string, string?>());

        using var response = await host.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "anything", messages = new[] { new { role = "user", content = "hi" } } }, TestContext.Current.CancellationToken);

        var problem = await ReadAsync(response, 503);
        Assert.Equal("urn:platform:problem:dependency-unavailable", problem["type"]!.GetValue<string>());
        Assert.Contains("Inference:Upstream:Routes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misconfigured_route_stops_the_service_at_start_naming_the_setting()
    {
        var settings = new Dictionary<string, string?> { ["Inference:Upstream:Routes:bad:BaseUrl"] = "not a url", ["Inference:Upstream:Routes:bad:Models:m"] = "" };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InferenceHost.StartAsync(settings));

        Assert.Contains("Inference:Upstream:Routes:bad:BaseUrl", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_name_billing_cannot_price_stops_the_service_at_start()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Inference:Upstream:Routes:hosted:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Inference:Upstream:Routes:hosted:Models:meta-llama/Llama-3-8B"] = "",
            ["Inference:Upstream:Cascades:auto:Models:0"] = "missing",
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InferenceHost.StartAsync(settings));

        Assert.Contains("'meta-llama/Llama-3-8B'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Inference:Upstream:Cascades:auto:Models names 'missing'", failure.Message, StringComparison.Ordinal);
    }
}
