using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Inference;
using Xunit;

namespace Platform.Inference.Tests.Upstream;

/// <summary>Generate → Generated | GenerationFailed on the bus, for other services (Agents), over the same routes.</summary>
public sealed class GenerateOverTheBusTests : IAsyncLifetime
{
    private OpenAiTestUpstream _primary = null!;
    private OpenAiTestUpstream _fallback = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await OpenAiTestUpstream.StartAsync();
        _fallback = await OpenAiTestUpstream.StartAsync();
        var settings = InferenceHost.Route([], "primary", _primary.BaseUrl, "chat-small", priority: 0, maxRetries: 0);
        _host = await InferenceHost.StartAsync(InferenceHost.Route(settings, "backup", _fallback.BaseUrl, "chat-small", priority: 1, maxRetries: 0));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    private Task<Response<Generated, GenerationFailed>> AskAsync(Generate request) =>
        _host.Services.GetRequiredService<IClientFactory>().CreateRequestClient<Generate>()
            .GetResponse<Generated, GenerationFailed>(request, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Generated_carries_the_answer_and_its_tokens_and_nothing_is_billed_by_inference()
    {
        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(500);

        var response = await AskAsync(new Generate(InferenceHost.AccountId, "chat-small",
            [new GenerateMessage("system", "Be brief."), new GenerateMessage("user", "plan the next step")], MaxTokens: 50, Temperature: 0, RunId: "run-1"));

        var generated = Assert.IsType<Generated>(response.Message);
        Assert.Equal("echo: plan the next step", generated.Content);
        Assert.Equal("backup", generated.Route);
        Assert.Equal("stop", generated.FinishReason);
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, generated.InputTokens);
        Assert.False(generated.TokensCounted);
        Assert.Equal(50, Assert.Single(_fallback.Requests)["max_tokens"]!.GetValue<int>());
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(_host.Usage.Reports);
    }

    [Fact]
    public async Task Unknown_models_invalid_requests_and_upstream_failures_are_answers_with_a_reason()
    {
        var unknown = await AskAsync(new Generate(InferenceHost.AccountId, "nope", [new GenerateMessage("user", "hi")]));
        Assert.Equal(GenerationFailureReasons.UnknownModel, Assert.IsType<GenerationFailed>(unknown.Message).Reason);

        var invalid = await AskAsync(new Generate(InferenceHost.AccountId, "chat-small", []));
        Assert.Equal(GenerationFailureReasons.Invalid, Assert.IsType<GenerationFailed>(invalid.Message).Reason);

        _primary.Behave = (_, _) => UpstreamBehaviour.Fail(500);
        _fallback.Behave = (_, _) => UpstreamBehaviour.Fail(500);
        var failed = await AskAsync(new Generate(InferenceHost.AccountId, "chat-small", [new GenerateMessage("user", "hi")]));
        Assert.Equal(GenerationFailureReasons.UpstreamFailed, Assert.IsType<GenerationFailed>(failed.Message).Reason);
    }
}
