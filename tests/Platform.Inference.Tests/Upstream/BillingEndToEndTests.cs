using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static Platform.Inference.Tests.Upstream.ChatCompletionsProxyTests;

namespace Platform.Inference.Tests.Upstream;

/// <summary>
/// Chat usage reaches the real Billing module (in one host, as in standalone mode): the account's key
/// is Billing's, the usage is priced with Billing's price for the model and charged to the account.
/// </summary>
public sealed class BillingEndToEndTests : IAsyncLifetime
{
    // Micro-credits per million tokens: 1 per input token, 2 per output token.
    private const long InputPrice = 1_000_000;
    private const long OutputPrice = 2_000_000;

    private OpenAiTestUpstream _upstream = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await OpenAiTestUpstream.StartAsync();
        var settings = InferenceHost.Route([], "local", _upstream.BaseUrl, "chat-small");
        settings["Billing:Prices:Models:chat-small:InputPerMillionTokens"] = InputPrice.ToString();
        settings["Billing:Prices:Models:chat-small:OutputPerMillionTokens"] = OutputPrice.ToString();
        _host = await InferenceHost.StartAsync(settings, withBilling: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_chat_completion_is_priced_and_charged_to_the_callers_account()
    {
        var cancel = TestContext.Current.CancellationToken;
        var (accountId, key) = await CreateFundedAccountAsync(1_000_000);

        using var chat = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "chat-small", messages = new[] { new { role = "user", content = "bill me" } } }),
        };
        chat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var answer = await _host.Client.SendAsync(chat, cancel);
        await ReadAsync(answer, 200);

        // Usage is reported after the answer went out: wait for Billing to have it.
        JsonObject? record = null;
        for (var i = 0; i < 100 && record is null; i++)
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, "/v1/usage");
            list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await _host.Client.SendAsync(list, cancel);
            record = (await ReadAsync(response, 200))["items"]!.AsArray().FirstOrDefault()?.AsObject();
            if (record is null)
            {
                await Task.Delay(50, cancel);
            }
        }

        Assert.NotNull(record);
        Assert.Equal("generation", record["kind"]!.GetValue<string>());
        Assert.Equal("chat-small", record["model"]!.GetValue<string>());
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, record["inputTokens"]!.GetValue<long>());
        Assert.Equal(3, record["outputTokens"]!.GetValue<long>());
        var charge = UpstreamBehaviour.ReportedPromptTokens * 1 + 3 * 2;
        Assert.Equal(charge, record["charge"]!.GetValue<long>());
        Assert.StartsWith("chat:local:", record["transferId"]!.GetValue<string>(), StringComparison.Ordinal);

        using var balanceRequest = new HttpRequestMessage(HttpMethod.Get, $"/v1/accounts/{accountId}/balance");
        balanceRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var balance = await _host.Client.SendAsync(balanceRequest, cancel);
        Assert.Equal(1_000_000 - charge, (await ReadAsync(balance, 200))["available"]!.GetValue<long>());
    }

    private async Task<(string AccountId, string Key)> CreateFundedAccountAsync(long amount)
    {
        var cancel = TestContext.Current.CancellationToken;
        var account = await AdminAsync("/v1/accounts", new { name = "chat-billing" }, 201, cancel);
        var accountId = account["id"]!.GetValue<string>();
        var key = (await AdminAsync($"/v1/accounts/{accountId}/keys", new { name = "chat" }, 201, cancel))["key"]!.GetValue<string>();
        await AdminAsync($"/v1/accounts/{accountId}/deposits", new { transferId = "deposit-1", amount }, 201, cancel);
        return (accountId, key);
    }

    private async Task<JsonObject> AdminAsync(string path, object body, int status, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InferenceHost.AdminKey);
        using var response = await _host.Client.SendAsync(request, cancel);
        return await ReadAsync(response, status);
    }
}
