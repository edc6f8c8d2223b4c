using System.Text.Json;
using static Platform.Testing.PlatformApi;

namespace Platform.Agents.Tests;

/// <summary>
/// Runs end to end through the real Billing and SafetyGuard, in each mode (the subclasses pick the platform):
/// references between steps, approvals over HTTP, expiry, transient retries, permanent failures, budget
/// exhaustion, cancellation, guard denial; and what Billing holds afterwards (exactly one settlement per run).
/// </summary>
public abstract class RunFlows(AgentsPlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const long Credits = 10_000_000;
    private const long Price = AgentsPlatform.ToolCallPrice;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_plan_runs_each_step_once_passes_outputs_by_reference_and_captures_what_it_cost()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var run = await platform.StartRunAsync(account, new
        {
            goal = "Look up an item and send its name on",
            plan = new
            {
                steps = new object[]
                {
                    new { id = "lookup", tool = "items.get", arguments = new { id = "42" } },
                    new
                    {
                        id = "send",
                        tool = "echo.post",
                        arguments = new
                        {
                            text = new Dictionary<string, string> { ["$ref"] = "steps.lookup.output.body.name" },
                            tags = new Dictionary<string, string> { ["$ref"] = "steps.lookup.output.body.tags" },
                        },
                    },
                },
            },
            budget = 50_000,
        });
        var runId = run.GetProperty("id").GetString()!;
        Assert.Equal("queued", run.GetProperty("state").GetString());

        var done = await platform.WaitForStateAsync(account, runId, Wait);

        Assert.Equal("completed", done.GetProperty("state").GetString());
        var steps = done.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal("succeeded", s.GetProperty("state").GetString()));
        Assert.Equal("item 42", steps[0].GetProperty("output").GetProperty("body").GetProperty("name").GetString());
        // The reference was resolved into the second step's input and reached the tool.
        Assert.Equal("item 42", steps[1].GetProperty("input").GetProperty("text").GetString());
        Assert.Equal("item 42", steps[1].GetProperty("output").GetProperty("body").GetProperty("received").GetProperty("text").GetString());
        Assert.Equal(["a", "b"], steps[1].GetProperty("output").GetProperty("body").GetProperty("received").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.All(steps, s => Assert.Equal(Price, s.GetProperty("cost").GetInt64()));
        Assert.All(steps, s => Assert.Contains(s.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("kind").GetString() == "guard"));
        Assert.Equal(2 * Price, done.GetProperty("spent").GetInt64());
        Assert.Equal(2 * Price, done.GetProperty("charged").GetInt64());
        Assert.Equal(2, platform.Tools.CallsOf(runId));

        var captures = await platform.TransfersAsync(account, "capture", runId);
        Assert.Equal(2 * Price, Assert.Single(captures).GetProperty("amount").GetInt64());
        Assert.Equal(Credits - (2 * Price), await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task Many_runs_wait_on_their_tools_at_once_beyond_the_bus_prefetch()
    {
        // Each run's one step calls a tool that answers only once all of them are inside it at once: a limit on the steps
        // running together below that (the bus's prefetch of 32 used to be one) leaves the rest queued and every call times out.
        const int Runs = 48;
        var account = await platform.CreateAccountAsync(Credits);
        var gate = Guid.NewGuid().ToString("N");
        var ids = await Task.WhenAll(Enumerable.Range(0, Runs).Select(async _ => (await platform.StartRunAsync(account, new
        {
            goal = "Wait at the gate with the others",
            plan = new { steps = new object[] { new { id = "wait", tool = "gate.get", arguments = new { id = gate, n = Runs } } } },
            budget = 10_000,
        })).GetProperty("id").GetString()!));

        foreach (var id in ids)
        {
            var done = await platform.WaitForStateAsync(account, id, Wait);
            Assert.Equal("completed", done.GetProperty("state").GetString());
            var step = Assert.Single(done.GetProperty("steps").EnumerateArray());
            Assert.True(step.GetProperty("output").GetProperty("body").GetProperty("released").GetBoolean(), $"run {id}: the gate timed out");
        }

        Assert.Equal(Runs, platform.Tools.MostInsideGate(gate));
    }

    [Fact]
    public async Task A_step_that_needs_approval_waits_and_runs_once_approved_over_http()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Fetch a guarded item",
            plan = new { steps = new object[] { new { id = "fetch", tool = "guarded.get", arguments = new { id = "7" } } } },
            budget = 10_000,
        })).GetProperty("id").GetString()!;

        var waiting = await platform.WaitForStateAsync(account, runId, Wait, "awaiting_approval");
        var step = waiting.GetProperty("steps")[0];
        Assert.Equal("awaiting_approval", step.GetProperty("state").GetString());
        Assert.Contains(step.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("kind").GetString() == "guard" && d.GetProperty("decision").GetString() == "require_approval");
        Assert.Equal(0, platform.Tools.CallsOf(runId));

        using var approval = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
            new { decision = "approve", approver = "ops@example.com", reason = "looks fine" }), Cancel);
        var recorded = await ReadJsonAsync(approval, 202);
        Assert.Equal(0, recorded.GetProperty("stepIndex").GetInt32());

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        var decisions = done.GetProperty("steps")[0].GetProperty("decisions").EnumerateArray().ToList();
        Assert.Contains(decisions, d => d.GetProperty("kind").GetString() == "approval" && d.GetProperty("approver").GetString() == "ops@example.com");
        Assert.Equal(1, platform.Tools.CallsOf(runId));

        // Decisions are final, and a finished run takes no approvals.
        using var again = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
            new { decision = "deny", approver = "someone" }), Cancel);
        await ReadProblemAsync(again, 409, "urn:platform:problem:run-not-awaiting-approval");
    }

    [Fact]
    public async Task A_denied_approval_fails_the_run_and_releases_the_whole_reservation()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Fetch an item after a person agrees",
            plan = new { steps = new object[] { new { tool = "items.get", arguments = new { id = "1" } } } },
            budget = 10_000,
            policy = new { requireApproval = new[] { "items.get" } },
        })).GetProperty("id").GetString()!;

        await platform.WaitForStateAsync(account, runId, Wait, "awaiting_approval");
        using var approval = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
            new { decision = "deny", approver = "ops", reason = "not today" }), Cancel);
        await ReadJsonAsync(approval, 202);

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        Assert.Equal("approval-denied", done.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Contains("not today", done.GetProperty("failure").GetProperty("detail").GetString());
        Assert.Equal("denied", done.GetProperty("steps")[0].GetProperty("state").GetString());
        Assert.Equal(0, platform.Tools.CallsOf(runId));
        Assert.Single(await platform.TransfersAsync(account, "release", runId));
        Assert.Empty(await platform.TransfersAsync(account, "capture", runId));
        Assert.Equal(Credits, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task An_approval_nobody_gives_expires_and_counts_as_denied()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Wait for a person who never comes",
            plan = new { steps = new object[] { new { tool = "guarded.get", arguments = new { id = "1" } } } },
            budget = 10_000,
            policy = new { approvalTimeoutSeconds = 1 },
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        Assert.Equal("approval-expired", done.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Equal(0, platform.Tools.CallsOf(runId));
        Assert.Equal(Credits, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_a_new_attempt_each_and_every_attempt_is_paid_once()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Call a flaky service",
            plan = new { steps = new object[] { new { tool = "flaky.get", arguments = new { id = "x", failures = 2 } } } },
            budget = 10_000,
            policy = new { maxAttempts = 3 },
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        var step = done.GetProperty("steps")[0];
        Assert.Equal(3, step.GetProperty("attempts").GetInt32());
        Assert.Equal(2, step.GetProperty("decisions").EnumerateArray().Count(d => d.GetProperty("kind").GetString() == "retry"));
        Assert.Equal(3, step.GetProperty("output").GetProperty("body").GetProperty("calls").GetInt32());
        // One call per attempt, each under its own idempotency key.
        var keys = platform.Tools.Calls.Where(c => c.Key.Contains(Guid.Parse(runId).ToString("N"))).ToList();
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.Single(k.Value));
        Assert.Equal(3 * Price, done.GetProperty("charged").GetInt64());
    }

    [Fact]
    public async Task Transient_failures_beyond_the_limit_fail_the_run_visibly_with_the_tools_answer()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Call a service that stays down",
            plan = new { steps = new object[] { new { tool = "empty.get", arguments = new { id = "x" } } } },
            budget = 10_000,
            policy = new { maxAttempts = 2 },
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        Assert.Equal("step-failed", done.GetProperty("failure").GetProperty("reason").GetString());
        var step = done.GetProperty("steps")[0];
        Assert.Equal("failed", step.GetProperty("state").GetString());
        // An empty answer from a failing tool is an error, never an empty output.
        Assert.False(step.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null, $"a failed step has no output: {step}");
        Assert.Equal("transient", step.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("503", step.GetProperty("error").GetProperty("detail").GetString());
        Assert.Contains("empty body", step.GetProperty("error").GetProperty("detail").GetString());
        Assert.Equal(2, step.GetProperty("attempts").GetInt32());
        Assert.Equal(2 * Price, Assert.Single(await platform.TransfersAsync(account, "capture", runId)).GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried_and_ends_the_run_with_the_partial_results()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Look something up, then fail",
            plan = new
            {
                steps = new object[]
                {
                    new { tool = "items.get", arguments = new { id = "1" } },
                    new { tool = "reject.get", arguments = new { id = "nope" } },
                    new { tool = "items.get", arguments = new { id = "3" } },
                },
            },
            budget = 10_000,
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        var failure = done.GetProperty("failure");
        Assert.Equal("step-failed", failure.GetProperty("reason").GetString());
        Assert.Equal(1, failure.GetProperty("stepIndex").GetInt32());
        Assert.Contains("400", failure.GetProperty("detail").GetString());
        var steps = done.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(2, steps.Count);
        Assert.Equal("item 1", steps[0].GetProperty("output").GetProperty("body").GetProperty("name").GetString());
        Assert.Equal("permanent", steps[1].GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("no such thing as nope", steps[1].GetProperty("error").GetProperty("detail").GetString());
        Assert.Equal(1, steps[1].GetProperty("attempts").GetInt32());
        Assert.Equal(2 * Price, done.GetProperty("charged").GetInt64());
    }

    [Fact]
    public async Task A_step_whose_estimate_exceeds_the_rest_of_the_budget_is_not_started()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Three lookups on a budget for two",
            plan = new
            {
                steps = new object[]
                {
                    new { tool = "items.get", arguments = new { id = "1" } },
                    new { tool = "items.get", arguments = new { id = "2" } },
                    new { tool = "items.get", arguments = new { id = "3" } },
                },
            },
            budget = (2 * Price) + (Price / 2),
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("budget_exhausted", done.GetProperty("state").GetString());
        Assert.Equal("budget-exhausted", done.GetProperty("failure").GetProperty("reason").GetString());
        var steps = done.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["succeeded", "succeeded", "skipped"], steps.Select(s => s.GetProperty("state").GetString()));
        Assert.Equal("item 2", steps[1].GetProperty("output").GetProperty("body").GetProperty("name").GetString());
        Assert.Equal(2, platform.Tools.CallsOf(runId));
        Assert.Equal(2 * Price, Assert.Single(await platform.TransfersAsync(account, "capture", runId)).GetProperty("amount").GetInt64());
        Assert.Equal(Credits - (2 * Price), await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task Cancelling_a_waiting_run_releases_its_reservation()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Wait for approval, then be cancelled",
            plan = new { steps = new object[] { new { tool = "guarded.get", arguments = new { id = "1" } } } },
            budget = 10_000,
        })).GetProperty("id").GetString()!;
        await platform.WaitForStateAsync(account, runId, Wait, "awaiting_approval");
        Assert.Equal(Credits - 10_000, await platform.AvailableAsync(account));

        using var cancel = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/cancel", account.Key), Cancel);
        await ReadJsonAsync(cancel, 202);

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("cancelled", done.GetProperty("state").GetString());
        Assert.Equal("cancelled", done.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Single(await platform.TransfersAsync(account, "release", runId));
        Assert.Equal(Credits, await platform.AvailableAsync(account));

        using var late = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/cancel", account.Key), Cancel);
        await ReadProblemAsync(late, 409, "urn:platform:problem:run-finished");
    }

    [Fact]
    public async Task Cancelling_during_a_step_lets_the_step_finish_then_captures_only_what_was_spent()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "A slow step, then more",
            plan = new
            {
                steps = new object[]
                {
                    new { tool = "slow.get", arguments = new { id = "1", ms = 1500 } },
                    new { tool = "items.get", arguments = new { id = "2" } },
                },
            },
            budget = 10_000,
        })).GetProperty("id").GetString()!;
        await WaitUntilAsync(() => platform.Tools.CallsOf(runId) == 1);

        using var cancel = await platform.Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/cancel", account.Key), Cancel);
        await ReadJsonAsync(cancel, 202);

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("cancelled", done.GetProperty("state").GetString());
        Assert.Equal("succeeded", done.GetProperty("steps")[0].GetProperty("state").GetString());
        Assert.Single(done.GetProperty("steps").EnumerateArray());
        Assert.Equal(1, platform.Tools.CallsOf(runId));
        Assert.Equal(Price, Assert.Single(await platform.TransfersAsync(account, "capture", runId)).GetProperty("amount").GetInt64());
        Assert.Equal(Credits - Price, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task A_goal_the_guard_denies_never_reserves_or_calls_a_tool()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Use this key: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA PRIVATE KEY-----",
            plan = new { steps = new object[] { new { tool = "items.get", arguments = new { id = "1" } } } },
            budget = 10_000,
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        Assert.Equal("guard-denied", done.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Equal("deny", done.GetProperty("guard").GetProperty("decision").GetString());
        Assert.Empty(done.GetProperty("steps").EnumerateArray());
        Assert.Equal(0, platform.Tools.CallsOf(runId));
        Assert.Equal(Credits, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task An_action_the_guard_denies_fails_the_step_with_the_rule_and_calls_nothing()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Fetch a forbidden item",
            plan = new { steps = new object[] { new { tool = "denied.get", arguments = new { id = "forbidden" } } } },
            budget = 10_000,
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("action-denied", done.GetProperty("failure").GetProperty("reason").GetString());
        var step = done.GetProperty("steps")[0];
        Assert.Equal("denied", step.GetProperty("state").GetString());
        Assert.Contains("action.argument.allowed_values", step.GetProperty("error").GetProperty("detail").GetString());
        Assert.Equal(0, platform.Tools.CallsOf(runId));
        Assert.Equal(Credits, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task A_budget_the_account_cannot_fund_fails_the_run_before_any_step()
    {
        var account = await platform.CreateAccountAsync(5_000);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Spend more than I have",
            plan = new { steps = new object[] { new { tool = "items.get", arguments = new { id = "1" } } } },
            budget = 50_000,
        })).GetProperty("id").GetString()!;

        var done = await platform.WaitForStateAsync(account, runId, Wait);
        Assert.Equal("insufficient-credits", done.GetProperty("failure").GetProperty("reason").GetString());
        Assert.Equal(0, platform.Tools.CallsOf(runId));
        Assert.Equal(5_000, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task The_event_stream_replays_the_run_from_the_start_and_ends_with_its_last_event()
    {
        var account = await platform.CreateAccountAsync(Credits);
        var runId = (await platform.StartRunAsync(account, new
        {
            goal = "Two lookups, watched",
            plan = new
            {
                steps = new object[]
                {
                    new { tool = "items.get", arguments = new { id = "1" } },
                    new { tool = "items.get", arguments = new { id = "2" } },
                },
            },
            budget = 10_000,
        })).GetProperty("id").GetString()!;

        using var request = Request(HttpMethod.Get, $"/v1/runs/{runId}/events", account.Key);
        using var response = await platform.Agents.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).SingleOrDefault())
            .OfType<string>()
            .ToList();
        Assert.Equal("run.completed", events[^1]);
        Assert.Equal(2, events.Count(e => e == "step.completed"));
        Assert.True(events.IndexOf("run.guarded") < events.IndexOf("step.started"), string.Join(", ", events));
        var ids = text.Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal)).Select(l => long.Parse(l[4..])).ToList();
        Assert.Equal(ids.OrderBy(i => i), ids);

        // Resuming after the third event gives the rest only.
        using var resume = Request(HttpMethod.Get, $"/v1/runs/{runId}/events", account.Key);
        resume.Headers.Add("Last-Event-ID", "3");
        using var rest = await platform.Agents.SendAsync(resume, Cancel);
        var restIds = (await rest.Content.ReadAsStringAsync(Cancel)).Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal)).Select(l => long.Parse(l[4..]));
        Assert.Equal(ids.Where(i => i > 3), restIds);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(20);
        }
    }
}

[Collection(StandaloneCollection.Name)]
public sealed class StandaloneRunFlowTests(StandalonePlatform platform) : RunFlows(platform);

[Collection(DistributedCollection.Name)]
public sealed class DistributedRunFlowTests(AgentsDistributedPlatform platform) : RunFlows(platform);
