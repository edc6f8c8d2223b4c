using Platform.Testing;
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
    private const string Model = "platform-embed-256";

    [Fact]
    public async Task A_usage_report_Billing_refuses_is_logged_by_Inference_with_account_and_reason()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var vhost = await TestServers.CreateVirtualHostAsync();
        await using var databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(vhost, databases);
        environment["Inference__Device"] = "cpu";
        environment[$"Billing__Prices__Models__{Model}__EmbeddingPerMillionTokens"] = "1000000";

        await using var billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        await using var inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), environment);
        var (broke, brokeKey) = await CreateAccountWithKeyAsync(billing.Client);
        var (funded, fundedKey) = await CreateAccountWithKeyAsync(billing.Client);
        using (var deposit = await billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{funded}/deposits", PlatformSettings.AdminKey,
            new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = 1_000_000 }), cancel))
        {
            await ReadJsonAsync(deposit, 201);
        }

        foreach (var key in new[] { fundedKey, brokeKey })
        {
            using var response = await inference.Client.SendAsync(
                Request(HttpMethod.Post, "/v1/embeddings", key, new { model = Model, input = "a text to embed" }), cancel);
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
        using var balance = await billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{funded}/balance", PlatformSettings.AdminKey), cancel);
        Assert.True((await ReadJsonAsync(balance, 200)).GetProperty("available").GetInt64() < 1_000_000, "the funded account should have been charged");
    }
}
