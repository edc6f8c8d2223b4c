using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Inference.Tests.Usage;

/// <summary>
/// Billing's refusal of a usage report reaches Inference and is logged, never lost on the bus:
/// distributed mode, Billing and Inference as their own processes. An account with no credits is
/// served embeddings (usage is reported after the work), Billing refuses the charge, and Inference's
/// log names the transfer, the account and the reason; an account with credits is charged and
/// causes no warning.
/// </summary>
public sealed class UsageRefusedTests
{
    [Fact]
    public async Task A_usage_report_Billing_refuses_is_logged_by_Inference_with_account_and_reason()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var platform = await MeteredInference.StartAsync();
        var inference = platform.Inference;
        var (broke, brokeKey) = await platform.CreateAccountAsync(0, cancel);
        var (funded, fundedKey) = await platform.CreateAccountAsync(1_000_000, cancel);

        foreach (var key in new[] { fundedKey, brokeKey })
        {
            using var response = await inference.Client.SendAsync(
                Request(HttpMethod.Post, "/v1/embeddings", key, new { model = MeteredInference.Model, input = "a text to embed" }), cancel);
            await ReadJsonAsync(response, 200);
        }

        var refusal = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(200, cancel))
        {
            refusal = inference.Tail(400).Split('\n').FirstOrDefault(line => line.Contains("Billing refused usage", StringComparison.Ordinal)) ?? "";
            if (refusal.Length > 0)
            {
                break;
            }
        }

        Assert.Contains(broke, refusal, StringComparison.Ordinal);
        Assert.Contains("insufficient-credits", refusal, StringComparison.Ordinal);
        Assert.Contains("served unbilled", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(funded, inference.Tail(400), StringComparison.Ordinal);
        Assert.True(await platform.AvailableAsync(funded, cancel) < 1_000_000, "the funded account should have been charged");
    }
}
