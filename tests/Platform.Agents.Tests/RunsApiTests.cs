using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Platform.Testing.PlatformApi;

namespace Platform.Agents.Tests;

/// <summary>
/// The runs API refuses bad input before any work, with RFC 9457 problems naming every bad field; keeps
/// accounts apart (another account's run answers 404 like an unknown one); and answers states it cannot act on
/// with stable conflict types. Runs against the standalone host.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class RunsApiTests(StandalonePlatform platform)
{
    private const string Validation = "urn:platform:problem:validation";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object Step(string tool, object arguments) => new { tool, arguments };

    public static TheoryData<string, string, string> BadRuns => new()
    {
        // body, field expected in errors, a word of its message
        { """{"plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100}""", "goal", "required" },
        { """{"goal":"   ","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100}""", "goal", "blank" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]}}""", "budget", "required" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":0}""", "budget", "micro-credits" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":-5}""", "budget", "micro-credits" },
        { """{"goal":"g","budget":100}""", "planner", "either plan" },
        { """{"goal":"g","planner":"magic","budget":100}""", "planner", "explicit" },
        { """{"goal":"g","planner":"llm","plan":{"steps":[]},"budget":100,"allowedTools":["items.get"]}""", "plan", "omitted" },
        { """{"goal":"g","plan":{"steps":[]},"budget":100}""", "plan.steps", "1 to" },
        { """{"goal":"g","plan":{},"budget":100}""", "plan.steps", "required" },
        { """{"goal":"g","plan":{"steps":[{"tool":"no.such.tool","arguments":{}}]},"budget":100}""", "plan.steps[0].tool", "not a tool" },
        { """{"goal":"g","plan":{"steps":[{"arguments":{}}]},"budget":100}""", "plan.steps[0].tool", "required" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":[1,2]}]},"budget":100}""", "plan.steps[0].arguments", "object" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{}}]},"budget":100}""", "plan.steps[0].arguments.id", "required" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":5}}]},"budget":100}""", "plan.steps[0].arguments.id", "string" },
        { """{"goal":"g","plan":{"steps":[{"tool":"retrieval.search","arguments":{"query":"q","topK":500}}]},"budget":100}""", "plan.steps[0].arguments.topK", "at most 100" },
        { """{"goal":"g","plan":{"steps":[{"tool":"retrieval.search","arguments":{"query":"q","extra":1}}]},"budget":100}""", "plan.steps[0].arguments.extra", "not an argument" },
        { """{"goal":"g","plan":{"steps":[{"id":"a","tool":"items.get","arguments":{"id":"1"}},{"id":"a","tool":"items.get","arguments":{"id":"2"}}]},"budget":100}""", "plan.steps[1].id", "unique" },
        { """{"goal":"g","plan":{"steps":[{"id":"a b","tool":"items.get","arguments":{"id":"1"}}]},"budget":100}""", "plan.steps[0].id", "letters" },
        { """{"goal":"g","plan":{"steps":[{"id":"a","tool":"items.get","arguments":{"id":{"$ref":"steps.b.output"}}},{"id":"b","tool":"items.get","arguments":{"id":"2"}}]},"budget":100}""", "plan.steps[0].arguments.id", "not an earlier step" },
        { """{"goal":"g","plan":{"steps":[{"id":"a","tool":"items.get","arguments":{"id":{"$ref":"steps.a.output"}}}]},"budget":100}""", "plan.steps[0].arguments.id", "not an earlier step" },
        { """{"goal":"g","plan":{"steps":[{"id":"a","tool":"items.get","arguments":{"id":"1"}},{"tool":"items.get","arguments":{"id":{"$ref":"steps.a.input"}}}]},"budget":100}""", "plan.steps[1].arguments.id", "$ref" },
        { """{"goal":"g","plan":{"steps":[{"id":"a","tool":"items.get","arguments":{"id":"1"}},{"tool":"items.get","arguments":{"id":{"$ref":"steps.a.output[x]"}}}]},"budget":100}""", "plan.steps[1].arguments.id", "array position" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"maxSteps":0}""", "maxSteps", "between" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}},{"tool":"items.get","arguments":{"id":"2"}}]},"budget":100,"maxSteps":1}""", "maxSteps", "plan has 2" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"allowedTools":["echo.post"]}""", "plan.steps[0].tool", "allowedTools" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"allowedTools":[]}""", "allowedTools", "1 to" },
        { """{"goal":"g","planner":"llm","budget":100}""", "allowedTools", "required" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"policy":{"approvalTimeoutSeconds":0}}""", "policy.approvalTimeoutSeconds", "between" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"policy":{"maxAttempts":11}}""", "policy.maxAttempts", "between" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"policy":{"requireApproval":["nope"]}}""", "policy.requireApproval[0]", "not a tool" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"}}]},"budget":100,"policy":{"allowedDomains":["not a host!"]}}""", "policy.allowedDomains[0]", "host name" },
        { """{"goal":"g","plan":{"steps":[{"tool":"items.get","arguments":{"id":"1"},"maxCost":-1}]},"budget":100}""", "plan.steps[0].maxCost", "micro-credits" },
    };

    [Theory]
    [MemberData(nameof(BadRuns))]
    public async Task Bad_run_requests_are_refused_with_the_field_and_nothing_starts(string body, string field, string words)
    {
        var account = await AccountAsync();
        using var response = await PostRawAsync(account, "/v1/runs", body);
        var problem = await ReadProblemAsync(response, 400, Validation);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {problem}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(words, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(await ListAsync(account));
    }

    [Fact]
    public async Task Every_bad_field_is_reported_at_once()
    {
        var account = await AccountAsync();
        using var response = await PostRawAsync(account, "/v1/runs",
            """{"goal":"","plan":{"steps":[{"tool":"items.get","arguments":{"id":7}},{"tool":"nope","arguments":{}}]},"budget":0,"policy":{"maxAttempts":0}}""");
        var errors = (await ReadProblemAsync(response, 400, Validation)).GetProperty("errors");
        foreach (var field in new[] { "goal", "budget", "plan.steps[0].arguments.id", "plan.steps[1].tool", "policy.maxAttempts" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"goal": 5, "budget": 100}""")]
    [InlineData("""{"goal": "g", "budget": "a lot"}""")]
    [InlineData("""{"goal": "g", "budget": 1.5}""")]
    [InlineData("[]")]
    public async Task Malformed_json_is_a_400_not_a_crash(string body)
    {
        var account = await AccountAsync();
        using var response = await PostRawAsync(account, "/v1/runs", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        var account = await AccountAsync();
        var body = JsonSerializer.Serialize(new { goal = new string('x', 2_000_000), plan = new { steps = new[] { Step("items.get", new { id = "1" }) } }, budget = 100 });
        using var response = await PostRawAsync(account, "/v1/runs", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_llm_planned_run_is_refused_clearly_when_no_planner_model_is_configured()
    {
        var account = await AccountAsync();
        using var response = await platform.Agents.SendAsync(Request(HttpMethod.Post, "/v1/runs", account.Key,
            new { goal = "find things", planner = "llm", allowedTools = new[] { "items.get" }, budget = 1000 }), Cancel);
        var problem = await ReadProblemAsync(response, 422, "urn:platform:problem:planner-unavailable");
        Assert.Contains("explicit plan", problem.GetProperty("detail").GetString());
        Assert.Empty(await ListAsync(account));
    }

    [Fact]
    public async Task Another_accounts_run_answers_404_like_an_unknown_one_everywhere()
    {
        var owner = await AccountAsync();
        var other = await AccountAsync();
        var runId = (await platform.StartRunAsync(owner, new
        {
            goal = "private", plan = new { steps = new[] { Step("guarded.get", new { id = "1" }) } }, budget = 5000,
        })).GetProperty("id").GetString()!;
        await platform.WaitForStateAsync(owner, runId, TimeSpan.FromSeconds(60), "awaiting_approval");

        foreach (var id in new[] { runId, Guid.NewGuid().ToString(), "not-a-guid" })
        {
            using var get = await platform.Agents.SendAsync(Request(HttpMethod.Get, $"/v1/runs/{id}", other.Key), Cancel);
            await ReadProblemAsync(get, 404, "urn:platform:problem:not-found");
            using var events = await platform.Agents.SendAsync(Request(HttpMethod.Get, $"/v1/runs/{id}/events", other.Key), Cancel);
            await ReadProblemAsync(events, 404, "urn:platform:problem:not-found");
            using var cancel = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{id}/cancel", other.Key), Cancel);
            await ReadProblemAsync(cancel, 404, "urn:platform:problem:not-found");
            using var approve = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{id}/approvals", other.Key,
                new { decision = "approve", approver = "mallory" }), Cancel);
            await ReadProblemAsync(approve, 404, "urn:platform:problem:not-found");
        }

        Assert.Empty(await ListAsync(other));
        Assert.Equal("awaiting_approval", (await platform.GetRunAsync(owner, runId)).GetProperty("state").GetString());
        using var cleanup = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/cancel", owner.Key), Cancel);
        await ReadJsonAsync(cleanup, 202);
    }

    [Fact]
    public async Task Approvals_are_validated_and_refused_when_the_run_is_not_waiting()
    {
        var account = await AccountAsync();
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "quick", plan = new { steps = new[] { Step("items.get", new { id = "1" }) } }, budget = 5000,
        })).GetProperty("id").GetString()!;

        using var bad = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
            new { decision = "maybe", reason = new string('r', 3000) }), Cancel);
        var errors = (await ReadProblemAsync(bad, 400, Validation)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("decision", out _));
        Assert.True(errors.TryGetProperty("approver", out _));
        Assert.True(errors.TryGetProperty("reason", out _));

        await platform.WaitForStateAsync(account, runId, TimeSpan.FromSeconds(60));
        using var late = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
            new { decision = "approve", approver = "ops" }), Cancel);
        await ReadProblemAsync(late, 409, "urn:platform:problem:run-not-awaiting-approval");
    }

    [Fact]
    public async Task A_second_approval_of_the_same_step_is_a_conflict()
    {
        var account = await AccountAsync();
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "approve twice", plan = new { steps = new[] { Step("guarded.get", new { id = "1" }), Step("guarded.get", new { id = "2" }) } }, budget = 5000,
        })).GetProperty("id").GetString()!;
        await platform.WaitForStateAsync(account, runId, TimeSpan.FromSeconds(60), "awaiting_approval");

        var first = platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key, new { decision = "approve", approver = "a" }), Cancel);
        var second = platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key, new { decision = "deny", approver = "b" }), Cancel);
        using var one = await first;
        using var two = await second;
        var statuses = new[] { (int)one.StatusCode, (int)two.StatusCode }.Order().ToArray();
        Assert.Equal([202, 409], statuses);

        // The second step waits for its own approval, which the first one did not give. The answer 202
        // comes before the run moves on, so wait until it has left the first step's approval.
        var next = await platform.GetRunAsync(account, runId);
        for (var deadline = DateTime.UtcNow.AddSeconds(60);
             next.GetProperty("state").GetString() != "failed" && !(next.GetProperty("state").GetString() == "awaiting_approval" && next.GetProperty("currentStep").GetInt32() == 1);
             next = await platform.GetRunAsync(account, runId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the run did not move past the first approval: {next}");
            await Task.Delay(100, Cancel);
        }

        if (next.GetProperty("state").GetString() == "awaiting_approval")
        {
            Assert.Equal(1, next.GetProperty("currentStep").GetInt32());
            using var cancel = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/cancel", account.Key), Cancel);
            await ReadJsonAsync(cancel, 202);
        }
        else
        {
            Assert.Equal("approval-denied", next.GetProperty("failure").GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_and_paged_by_the_next_cursor()
    {
        var account = await AccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await platform.StartRunAsync(account, new
            {
                goal = $"run {i}", plan = new { steps = new[] { Step("items.get", new { id = i.ToString() }) } }, budget = 5000,
            })).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            using var response = await platform.Agents.SendAsync(Request(HttpMethod.Get, $"/v1/runs?limit=2{(after is null ? "" : "&after=" + after)}", account.Key), Cancel);
            var page = await ReadJsonAsync(response, 200);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            Assert.All(items, item => Assert.False(item.TryGetProperty("steps", out var steps) && steps.ValueKind != JsonValueKind.Null));
            seen.AddRange(items.Select(item => item.GetProperty("id").GetString()!));
            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);

        foreach (var query in new[] { "limit=0", "limit=501", "after=garbage", "limit=abc" })
        {
            using var bad = await platform.Agents.SendAsync(Request(HttpMethod.Get, $"/v1/runs?{query}", account.Key), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task Without_a_key_every_run_endpoint_answers_401()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Post, "/v1/runs"), (HttpMethod.Get, "/v1/runs"), (HttpMethod.Get, $"/v1/runs/{Guid.NewGuid()}") })
        {
            using var response = await platform.Agents.SendAsync(Request(method, path, null), Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private Task<TestAccount> AccountAsync() => platform.CreateAccountAsync(1_000_000);

    private async Task<HttpResponseMessage> PostRawAsync(TestAccount account, string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        return await platform.Agents.SendAsync(request, Cancel);
    }

    private async Task<List<JsonElement>> ListAsync(TestAccount account)
    {
        using var response = await platform.Agents.SendAsync(Request(HttpMethod.Get, "/v1/runs", account.Key), Cancel);
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }
}
