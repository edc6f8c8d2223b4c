using System.Text.Json;

namespace Platform.Agents.Tests;

/// <summary>
/// Crash safety on the distributed stack: the Agents process is killed (no shutdown) while 50 runs are in flight
/// and started again on the same databases. Every run resumes from its stored state and ends terminal, no step's
/// tool is called twice (the local tool records every call by its idempotency key), and Billing shows exactly one
/// capture per run, equal to what the run reports it spent.
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
                steps = Enumerable.Range(0, StepsPerRun).Select(s => new { tool = "slow.get", arguments = new { id = $"{i}-{s}", ms = 200 } }).ToArray(),
            },
            budget = 100_000,
        }));
        var runIds = (await Task.WhenAll(starts)).Select(r => r.GetProperty("id").GetString()!).ToList();

        // Kill once a good share of the tool calls happened: runs are then in every state (guarding, reserving,
        // between steps, inside a tool call, settling).
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

        // Resumed, not just finished before the kill: runs with calls still to make at the kill completed afterwards.
        // (How many: a kill lands inside most runs' 200 ms calls, and an interrupted HTTP call fails its run, by design.)
        var resumed = byRun.Count(r => r.Value.GetProperty("state").GetString() == "completed" && callsPerRunAtKill[r.Key] < StepsPerRun);
        Assert.True(resumed >= 1,
            "no run completed after the restart: " + string.Join(", ", byRun.Values.Select(r => r.GetProperty("state").GetString())));
        var spent = byRun.Values.Sum(r => r.GetProperty("spent").GetInt64());
        Assert.Equal(100_000_000 - spent, await platform.AvailableAsync(account));
    }
}
