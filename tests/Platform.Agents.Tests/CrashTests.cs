using System.Text.Json;
using Platform.Testing;

namespace Platform.Agents.Tests;

/// <summary>
/// Crash safety on the distributed stack: the Agents process is killed (no shutdown) while 50 runs are in flight
/// and started again on the same databases. Every run resumes from its stored state and ends terminal, no step's
/// tool is called twice (the local tool records every call by its idempotency key), and Billing shows exactly one
/// capture per run, equal to what the run reports it spent. Half the runs wait for an approval at the kill (their
/// second step is high risk) and are approved over HTTP after the restart; the other half are anywhere in their steps.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class CrashTests(AgentsDistributedPlatform platform)
{
    private const int Runs = 50;
    private const int StepsPerRun = 3;

    [Fact]
    public async Task Killing_agents_mid_run_loses_no_run_repeats_no_tool_call_and_settles_each_run_once()
    {
        var account = await platform.CreateAccountAsync(100_000_000);
        var starts = Enumerable.Range(0, Runs).Select(i => platform.StartRunAsync(account, new
        {
            goal = $"crash run {i}",
            plan = new
            {
                steps = Enumerable.Range(0, StepsPerRun).Select(s => i % 2 == 0 && s == 1
                    ? (object)new { tool = "guarded.get", arguments = new { id = $"{i}-{s}" } }
                    : new { tool = "slow.get", arguments = new { id = $"{i}-{s}", ms = 200 } }).ToArray(),
            },
            budget = 100_000,
        }));
        var runIds = (await Task.WhenAll(starts)).Select(r => r.GetProperty("id").GetString()!).ToList();
        var approvalRuns = runIds.Where((_, i) => i % 2 == 0).ToList();

        // Kill once the approval runs wait and a good share of the tool calls happened: the other runs are then in
        // every state (reserving, between steps, inside a tool call, settling).
        foreach (var runId in approvalRuns)
        {
            await platform.WaitForStateAsync(account, runId, TimeSpan.FromSeconds(60), "awaiting_approval");
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (runIds.Sum(platform.Tools.CallsOf) < Runs * StepsPerRun / 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the runs did not get going: " + platform.Diagnostics());
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        platform.KillAgents();
        var callsPerRunAtKill = runIds.ToDictionary(id => id, platform.Tools.CallsOf);
        var callsAtKill = callsPerRunAtKill.Values.Sum();
        await platform.StartAgentsAgainAsync();
        foreach (var runId in approvalRuns)
        {
            using var approval = await platform.Agents.SendAsync(PlatformApi.Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", account.Key,
                new { decision = "approve", approver = "ops@example.com" }), TestContext.Current.CancellationToken);
            await PlatformApi.ReadJsonAsync(approval, 202);
        }

        var finished = new List<JsonElement>();
        foreach (var runId in runIds)
        {
            finished.Add(await platform.WaitForStateAsync(account, runId, TimeSpan.FromSeconds(120)));
        }

        Assert.True(callsAtKill < Runs * StepsPerRun, "the kill came after every call; the test proves nothing");
        var byRun = finished.ToDictionary(r => r.GetProperty("id").GetString()!);
        foreach (var (runId, run) in byRun)
        {
            var state = run.GetProperty("state").GetString();
            var steps = run.GetProperty("steps").EnumerateArray().ToList();
            if (state != "completed")
            {
                // The only acceptable failure: a call the kill interrupted, which is reported, not repeated.
                Assert.Equal("failed", state);
                Assert.Contains("stopped during the call", run.GetProperty("failure").GetProperty("detail").GetString());
            }

            // No (run, step) reached the tool twice: one idempotency key per attempt, one call per key, one attempt per step.
            var keys = platform.Tools.Calls.Where(c => c.Key.Contains(Guid.Parse(runId).ToString("N"), StringComparison.Ordinal)).ToList();
            Assert.All(keys, k => Assert.Single(k.Value));
            Assert.All(steps, s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
            Assert.True(keys.Count <= steps.Count, $"run {runId}: {keys.Count} calls for {steps.Count} steps");

            var captures = await platform.TransfersAsync(account, "capture", runId);
            var capture = Assert.Single(captures);
            Assert.Equal(run.GetProperty("spent").GetInt64(), capture.GetProperty("amount").GetInt64());
            Assert.Equal(run.GetProperty("charged").GetInt64(), capture.GetProperty("amount").GetInt64());
            Assert.Equal(steps.Count * AgentsPlatform.ToolCallPrice, run.GetProperty("spent").GetInt64());
            Assert.Empty(await platform.TransfersAsync(account, "release", runId));
        }

        // Resumed from their stored state: every run that waited for its approval at the kill completed after it. (Of the
        // others, a kill lands inside most runs' 200 ms calls, and an interrupted HTTP call fails its run, by design.)
        Assert.All(approvalRuns, runId =>
        {
            Assert.True(callsPerRunAtKill[runId] < StepsPerRun, $"run {runId} had made all its calls at the kill");
            Assert.Equal("completed", byRun[runId].GetProperty("state").GetString());
        });
        var spent = byRun.Values.Sum(r => r.GetProperty("spent").GetInt64());
        Assert.Equal(100_000_000 - spent, await platform.AvailableAsync(account));
    }
}
