using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Tokenizers.Bpe;
using Platform.Inference.Upstream;
using Xunit;

namespace Platform.Inference.Tests.Upstream;

/// <summary>Server-sent event streams relayed from real loopback upstreams, event by event.</summary>
public sealed class ChatCompletionsStreamingTests : IAsyncLifetime
{
    private static readonly string[] Words = ["Streams", " arrive", " one", " piece", " at", " a", " time."];

    private OpenAiTestUpstream _primary = null!;
    private OpenAiTestUpstream _fallback = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await OpenAiTestUpstream.StartAsync();
        _fallback = await OpenAiTestUpstream.StartAsync();
        var settings = InferenceHost.Route([], "primary", _primary.BaseUrl, "chat-small", priority: 0, timeoutMs: 1500, maxRetries: 1);
        _host = await InferenceHost.StartAsync(InferenceHost.Route(settings, "backup", _fallback.BaseUrl, "chat-small", priority: 1, timeoutMs: 1500, maxRetries: 1));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    [Fact]
    public async Task Events_reach_the_client_as_the_upstream_sends_them()
    {
        _primary.Behave = (_, _) => new UpstreamBehaviour { Chunks = Words, ChunkDelayMs = 250 };

        var (response, events) = await StreamAsync(includeUsage: false);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("primary", ChatCompletionsProxyTests.Header(response, ChatCompletionsApi.RouteHeader));
        var contents = events.Where(e => e.Data != "[DONE]").Select(e => JsonNode.Parse(e.Data)!["choices"]![0]!["delta"]!["content"]?.GetValue<string>()).OfType<string>();
        Assert.Equal(Words, contents);
        Assert.Equal("[DONE]", events[^1].Data);
        // The upstream spends 6 x 250 ms between the first and last piece: a buffering proxy would deliver them together.
        var first = events[0].At;
        var last = events[^1].At;
        Assert.True(last - first >= TimeSpan.FromMilliseconds(1200), $"first event at {first}, last at {last}: not relayed incrementally");
        // Each piece arrived before the next was sent: gaps stay close to the upstream's pace.
        Assert.True(events.Count(e => e.At < first + TimeSpan.FromMilliseconds(200)) <= 3, string.Join(", ", events.Select(e => e.At.TotalMilliseconds)));

        // The usage chunk the proxy asked for is not relayed to a client that did not ask; it is billed.
        Assert.DoesNotContain(events, e => e.Data.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.True(Assert.Single(_primary.Requests)["stream_options"]!["include_usage"]!.GetValue<bool>());
        var usage = Assert.Single(await _host.Usage.WaitForAsync(1));
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, usage.InputTokens);
        Assert.Equal(Words.Length, usage.OutputTokens);
    }

    [Fact]
    public async Task A_client_that_asks_for_usage_gets_the_usage_chunk()
    {
        var (_, events) = await StreamAsync(includeUsage: true);

        var usageChunk = events.Single(e => e.Data.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, JsonNode.Parse(usageChunk.Data)!["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_upstream_usage_the_streamed_text_is_counted_with_gpt2_bpe()
    {
        _primary.Behave = (_, _) => new UpstreamBehaviour { Chunks = ["Déjà", " vu", " 👀", " — they're", "   spaced"], ReportUsage = false };

        await StreamAsync(includeUsage: true);

        var tokenizer = _host.Services.GetRequiredService<Gpt2Tokenizer>();
        var usage = Assert.Single(await _host.Usage.WaitForAsync(1));
        Assert.Equal(tokenizer.CountTokens("Déjà vu 👀 — they're   spaced"), usage.OutputTokens);
        Assert.Equal(3 + 3 + tokenizer.CountTokens("user") + tokenizer.CountTokens("stream please"), usage.InputTokens);
    }

    [Fact]
    public async Task A_failure_before_the_first_event_is_retried()
    {
        _primary.Behave = (call, _) => call == 1 ? UpstreamBehaviour.Fail(500) : new UpstreamBehaviour { Chunks = Words };

        var (response, events) = await StreamAsync(includeUsage: false);

        Assert.Equal(2, _primary.Calls);
        Assert.Equal("primary", ChatCompletionsProxyTests.Header(response, ChatCompletionsApi.RouteHeader));
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task A_slow_first_byte_times_out_and_falls_back()
    {
        _primary.Behave = (_, _) => new UpstreamBehaviour { DelayMs = 5000, Chunks = Words };

        var (response, events) = await StreamAsync(includeUsage: false);

        Assert.Equal(2, _primary.Calls);
        Assert.Equal(1, _fallback.Calls);
        Assert.Equal("backup", ChatCompletionsProxyTests.Header(response, ChatCompletionsApi.RouteHeader));
        Assert.Equal("[DONE]", events[^1].Data);
    }

    [Fact]
    public async Task A_stream_that_breaks_after_it_started_ends_with_an_error_event_and_bills_what_was_sent()
    {
        _primary.Behave = (_, _) => new UpstreamBehaviour { Chunks = Words, BreakAfterChunks = 3, ReportUsage = false };

        var (response, events) = await StreamAsync(includeUsage: false);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(events[^1].Data.StartsWith('{'), string.Join("\n", events.Select(e => e.Data)));
        var error = JsonNode.Parse(events[^1].Data)!["error"]!;
        Assert.Equal("upstream_error", error["type"]!.GetValue<string>());
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        Assert.Equal(1, _primary.Calls);
        var tokenizer = _host.Services.GetRequiredService<Gpt2Tokenizer>();
        var usage = Assert.Single(await _host.Usage.WaitForAsync(1));
        Assert.Equal(tokenizer.CountTokens(string.Concat(Words.Take(3))), usage.OutputTokens);
    }

    [Fact]
    public async Task When_every_route_fails_before_the_first_event_the_answer_is_a_problem_not_a_stream()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(500);
        _fallback.Behave = (_, _) => UpstreamBehaviour.Fail(500);

        using var response = await _host.Client.PostAsJsonAsync("/v1/chat/completions", Body(includeUsage: false), TestContext.Current.CancellationToken);

        var problem = await ChatCompletionsProxyTests.ReadAsync(response, 502);
        Assert.Equal(UpstreamProblems.UpstreamFailed, problem["type"]!.GetValue<string>());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static object Body(bool includeUsage) => new
    {
        model = "chat-small",
        stream = true,
        stream_options = new { include_usage = includeUsage },
        messages = new[] { new { role = "user", content = "stream please" } },
    };

    private async Task<(HttpResponseMessage Response, List<(TimeSpan At, string Data)> Events)> StreamAsync(bool includeUsage)
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Body(includeUsage)) };
        var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        Assert.Equal(200, (int)response.StatusCode);
        var events = new List<(TimeSpan, string)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((clock.Elapsed, line["data: ".Length..]));
            }
        }

        return (response, events);
    }
}
