using System.Net.Http.Json;
using Platform.Inference.Upstream;
using Xunit;
using static Platform.Inference.Tests.Upstream.ChatCompletionsProxyTests;

namespace Platform.Inference.Tests.Upstream;

/// <summary>
/// Cheap-first cascade "auto" = [cheap, strong]: the strong model is asked only when the cheap one
/// fails, answers nothing, or is cut off by the token limit; whatever answered is billed as itself.
/// </summary>
public sealed class CascadeTests : IAsyncLifetime
{
    private OpenAiTestUpstream _cheap = null!;
    private OpenAiTestUpstream _strong = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _cheap = await OpenAiTestUpstream.StartAsync();
        _strong = await OpenAiTestUpstream.StartAsync();
        var settings = InferenceHost.Route([], "cheap-route", _cheap.BaseUrl, "cheap", maxRetries: 1);
        InferenceHost.Route(settings, "strong-route", _strong.BaseUrl, "strong", maxRetries: 1);
        settings["Inference:Upstream:Cascades:auto:Models:0"] = "cheap";
        settings["Inference:Upstream:Cascades:auto:Models:1"] = "strong";
        _host = await InferenceHost.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _cheap.DisposeAsync();
        await _strong.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, string Content)> AskAsync()
    {
        var response = await _host.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "auto", messages = new[] { new { role = "user", content = "what is 2+2?" } } }, TestContext.Current.CancellationToken);
        var body = await ReadAsync(response, 200);
        return (response, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_good_cheap_answer_stays_with_the_cheap_model()
    {
        var (response, content) = await AskAsync();

        Assert.Equal("echo: what is 2+2?", content);
        Assert.Equal("cheap", Header(response, ChatCompletionsApi.ModelHeader));
        Assert.Equal(0, _strong.Calls);
        Assert.Equal("cheap", Assert.Single(await _host.Usage.WaitForAsync(1)).Model);
    }

    [Fact]
    public async Task An_empty_cheap_answer_escalates_and_both_answers_are_billed()
    {
        _cheap.Behave = (_, _) => new UpstreamBehaviour { Content = "  " };

        var (response, content) = await AskAsync();

        Assert.Equal("echo: what is 2+2?", content);
        Assert.Equal("strong", Header(response, ChatCompletionsApi.ModelHeader));
        Assert.Equal(1, _cheap.Calls);
        var reports = await _host.Usage.WaitForAsync(2);
        Assert.Equal(["cheap", "strong"], reports.Select(r => r.Model).Order());
    }

    [Fact]
    public async Task A_truncated_cheap_answer_escalates()
    {
        _cheap.Behave = (_, _) => new UpstreamBehaviour { Content = "The answer is", FinishReason = "length" };

        var (response, _) = await AskAsync();

        Assert.Equal("strong", Header(response, ChatCompletionsApi.ModelHeader));
        Assert.Equal(1, _strong.Calls);
    }

    [Fact]
    public async Task A_failing_cheap_model_escalates_after_its_retries()
    {
        _cheap.Behave = (_, _) => UpstreamBehaviour.Fail(500);

        var (response, _) = await AskAsync();

        Assert.Equal("strong", Header(response, ChatCompletionsApi.ModelHeader));
        Assert.Equal(2, _cheap.Calls);
        Assert.Equal("strong", Assert.Single(await _host.Usage.WaitForAsync(1)).Model);
    }

    [Fact]
    public async Task When_the_strong_model_fails_too_the_cheap_answer_is_kept()
    {
        _cheap.Behave = (_, _) => new UpstreamBehaviour { Content = "The answer is", FinishReason = "length" };
        _strong.Behave = (_, _) => UpstreamBehaviour.Fail(500);

        var (response, content) = await AskAsync();

        Assert.Equal("The answer is", content);
        Assert.Equal("cheap", Header(response, ChatCompletionsApi.ModelHeader));
    }
}
