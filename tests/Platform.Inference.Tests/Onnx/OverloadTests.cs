using System.Text;
using System.Text.Json;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>Queue limits and truncation policy over HTTP, each with its own Inference settings.</summary>
public sealed class OverloadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After()
    {
        await using var host = await OnnxHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Batching:MaxQueueSize"] = "2",
            ["Inference:Batching:MaxQueueDelayMicroseconds"] = "1500000",
            // Triton's plain rule: the first request waits in the queue for the delay even when alone.
            ["Inference:Batching:StartWhenIdle"] = "false",
        });

        var waiting = host.Client.PostAsync("/v1/embeddings", Body(new { model = "platform-embed-256", input = new[] { "a", "b" } }), Cancel);
        await Task.Delay(300, Cancel);
        using var refused = await host.Client.PostAsync("/v1/embeddings", Body(new { model = "platform-embed-256", input = "c" }), Cancel);

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("urn:platform:problem:rate-limited", problem.RootElement.GetProperty("type").GetString());
        using var served = await waiting;
        Assert.Equal(200, (int)served.StatusCode);
    }

    [Fact]
    public async Task With_truncation_error_an_over_long_input_is_a_400()
    {
        await using var host = await OnnxHost.StartAsync(new Dictionary<string, string?> { ["Inference:Truncation"] = "error" });

        using var response = await host.Client.PostAsync(
            "/v1/embeddings", Body(new { model = "platform-embed-256", input = new[] { "fine", string.Join(' ', Enumerable.Repeat("word", 300)) } }), Cancel);

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("input[1]", out _));
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_in_the_queue_is_a_503()
    {
        await using var host = await OnnxHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:Batching:RequestTimeoutMs"] = "50",
            ["Inference:Batching:MaxQueueDelayMicroseconds"] = "300000",
            ["Inference:Batching:StartWhenIdle"] = "false",
        });

        using var response = await host.Client.PostAsync("/v1/embeddings", Body(new { model = "platform-embed-256", input = "x" }), Cancel);

        Assert.Equal(503, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("urn:platform:problem:deadline-exceeded", problem.RootElement.GetProperty("type").GetString());
    }
}
