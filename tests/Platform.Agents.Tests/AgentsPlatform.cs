using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Agents.Tests;

/// <summary>
/// Agents with the real Billing and SafetyGuard, in one of the platform's modes (the subclasses), plus a local
/// <see cref="ToolServer"/> that the accounts' HTTP tools call. Billing prices a tool call at <see cref="ToolCallPrice"/>.
/// Each account made by <see cref="CreateAccountAsync"/> has credits, a SafetyGuard policy that allows the test tools
/// (<c>guarded.get</c> at high risk, which SafetyGuard sends for approval), and the HTTP tools declared.
/// </summary>
public abstract class AgentsPlatform : IAsyncLifetime
{
    public const long ToolCallPrice = 1_000;

    public const string Policy =
        """
        id: agents-tests
        prompt:
          rules:
            - id: secrets.block
              detectors: [private_key]
              action: deny
        actions:
          maxCost: 100000000
          risk: {low: allow, medium: allow, high: require_approval, critical: deny}
          tools:
            retrieval.search: {risk: low}
            inference.classify: {risk: low}
            inference.generate: {risk: medium}
            cad.generate: {risk: medium}
            items.get: {risk: low}
            echo.post: {risk: low}
            flaky.get: {risk: low}
            reject.get: {risk: low}
            empty.get: {risk: low}
            slow.get: {risk: low}
            gate.get: {risk: low}
            guarded.get: {risk: high}
            denied.get:
              risk: low
              arguments:
                id: {type: string, values: [allowed]}
        """;

    public ToolServer Tools { get; private set; } = null!;

    public abstract HttpClient Agents { get; }

    public abstract HttpClient Billing { get; }

    public abstract HttpClient SafetyGuard { get; }

    public async ValueTask InitializeAsync()
    {
        Tools = await ToolServer.StartAsync();
        await StartServicesAsync();
        using var prices = await Billing.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new { toolCall = ToolCallPrice }));
        await ReadJsonAsync(prices, 200);
    }

    public async ValueTask DisposeAsync()
    {
        await StopServicesAsync();
        await Tools.DisposeAsync();
    }

    protected abstract Task StartServicesAsync();

    protected abstract Task StopServicesAsync();

    /// <summary>A new account with <paramref name="credits"/> micro-credits, the test policy and the test HTTP tools.</summary>
    public async Task<TestAccount> CreateAccountAsync(long credits)
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(Billing);
        if (credits > 0)
        {
            using var deposit = await Billing.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = credits }));
            await ReadJsonAsync(deposit, 201);
        }

        using (var policy = new HttpRequestMessage(HttpMethod.Put, "/v1/policies"))
        {
            policy.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            policy.Content = new StringContent(Policy, Encoding.UTF8, "application/yaml");
            using var response = await SafetyGuard.SendAsync(policy);
            await ReadJsonAsync(response, 200);
        }

        var account = new TestAccount(accountId, key);
        var idSchema = new { type = "object", properties = new { id = new { type = "string", minLength = 1 } }, required = new[] { "id" } };
        await DeclareToolAsync(account, "items.get", "GET", "/items/{id}", idSchema);
        await DeclareToolAsync(account, "guarded.get", "GET", "/items/{id}", idSchema);
        await DeclareToolAsync(account, "denied.get", "GET", "/items/{id}", idSchema);
        await DeclareToolAsync(account, "reject.get", "GET", "/reject/{id}", idSchema);
        await DeclareToolAsync(account, "empty.get", "GET", "/empty503/{id}", idSchema);
        await DeclareToolAsync(account, "flaky.get", "GET", "/flaky/{id}", new
        {
            type = "object",
            properties = new { id = new { type = "string" }, failures = new { type = "integer", minimum = 0 } },
            required = new[] { "id", "failures" },
        });
        await DeclareToolAsync(account, "slow.get", "GET", "/slow/{id}", new
        {
            type = "object",
            properties = new { id = new { type = "string" }, ms = new { type = "integer", minimum = 0 } },
            required = new[] { "id", "ms" },
        });
        await DeclareToolAsync(account, "gate.get", "GET", "/gate/{id}", new
        {
            type = "object",
            properties = new { id = new { type = "string" }, n = new { type = "integer", minimum = 1 } },
            required = new[] { "id", "n" },
        });
        await DeclareToolAsync(account, "echo.post", "POST", "/echo", new
        {
            type = "object",
            properties = new { text = new { type = "string" }, tags = new { type = "array", items = new { type = "string" } } },
            required = new[] { "text" },
        });
        return account;
    }

    public async Task DeclareToolAsync(TestAccount account, string name, string method, string path, object schema)
    {
        using var response = await Agents.SendAsync(Request(HttpMethod.Post, "/v1/tools", account.Key, new
        {
            name,
            description = $"test tool {name}",
            method,
            urlTemplate = Tools.BaseUrl + path,
            argumentsSchema = schema,
            timeoutSeconds = 10,
        }));
        await ReadJsonAsync(response, 201);
    }

    public async Task<JsonElement> StartRunAsync(TestAccount account, object body)
    {
        using var response = await Agents.SendAsync(Request(HttpMethod.Post, "/v1/runs", account.Key, body));
        return await ReadJsonAsync(response, 202);
    }

    public async Task<JsonElement> GetRunAsync(TestAccount account, string runId)
    {
        using var response = await Agents.SendAsync(Request(HttpMethod.Get, $"/v1/runs/{runId}", account.Key));
        return await ReadJsonAsync(response, 200);
    }

    /// <summary>Polls the run until its state is one of <paramref name="states"/> (default: any terminal state).</summary>
    public async Task<JsonElement> WaitForStateAsync(TestAccount account, string runId, TimeSpan timeout, params string[] states)
    {
        states = states.Length > 0 ? states : ["completed", "failed", "budget_exhausted", "cancelled"];
        var deadline = DateTime.UtcNow + timeout;
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            run = await GetRunAsync(account, runId);
            if (states.Contains(run.GetProperty("state").GetString()))
            {
                return run;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Run {runId} did not reach {string.Join("|", states)} within {timeout.TotalSeconds} s: {run}\n{Diagnostics()}");
    }

    /// <summary>The services' recent output, for failure messages.</summary>
    public abstract string Diagnostics();

    public async Task<long> AvailableAsync(TestAccount account)
    {
        using var response = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{account.Id}/balance", PlatformSettings.AdminKey));
        return (await ReadJsonAsync(response, 200)).GetProperty("available").GetInt64();
    }

    /// <summary>The account's transfers of one kind for one run's reservation (capture, release).</summary>
    public async Task<IReadOnlyList<JsonElement>> TransfersAsync(TestAccount account, string kind, string runId)
    {
        var reservation = $"agents-{Guid.Parse(runId):N}-reserve";
        using var response = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/transfers?kind={kind}&reservationId={reservation}&limit=100", account.Key));
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }
}

public sealed record TestAccount(string Id, string Key);
