using System.Text;
using System.Text.Json;
using Platform.Inference.Tests.Onnx;
using Xunit;

namespace Platform.Inference.Tests.Usage;

/// <summary>The relaxed usage settings still deliver every answered request's usage (standalone: SQLite, in-memory bus).</summary>
public sealed class UsageSettingsTests
{
    [Theory]
    [InlineData("Inference:Usage:FlushToDisk")]
    [InlineData("Inference:Usage:WaitForCommit")]
    public async Task Usage_reaches_Billing_with_the_setting_off(string setting)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var host = await OnnxHost.StartAsync(new Dictionary<string, string?> { [setting] = "false" });

        var answered = 0L;
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Client.PostAsync(
                "/v1/embeddings", new StringContent(JsonSerializer.Serialize(new { model = "platform-embed-256", input = $"text number {i}" }), Encoding.UTF8, "application/json"), cancel);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            Assert.Equal(200, (int)response.StatusCode);
            answered += body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Usage.Reports.Sum(r => r.EmbeddingTokens) < answered && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancel);
        }

        Assert.Equal(answered, host.Usage.Reports.Sum(r => r.EmbeddingTokens));
    }
}
