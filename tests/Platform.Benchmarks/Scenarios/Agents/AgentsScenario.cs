using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;

namespace Platform.Benchmarks.Scenarios.Agents;

/// <summary>
/// The platform's overhead per agent step over RabbitMQ and PostgreSQL (<see cref="AgentsHost"/>): 100 runs started at
/// once, each a plan of HTTP tool steps whose tool answers after <see cref="AgentsHost.ToolMilliseconds"/> (so 100 runs
/// in flight offer about 100 steps/s, as agents calling remote tools do); a step's cycle is the time from the previous step's end to its own end (the
/// saga's turn, the work order, SafetyGuard's CheckAction, the tool call, Billing's RecordUsage, the report, every
/// commit), and its overhead is that cycle minus the tool call's own time as the step recorded it. The baseline is the
/// same tool called in-process in the same run, with 100 callers at once. Headline: p50 overhead per step in ms (goal
/// &lt; 10 ms); ratio: platform step cycle p50 / in-process call p50.
/// </summary>
public sealed class AgentsScenario : IScenario
{
    private const int ConcurrentRuns = 100;

    public string Name => "agents";

    public string Description => "overhead per agent step (excluding tool time) over RabbitMQ + PostgreSQL with 100 concurrent runs vs the same tool called in-process";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var (rounds, stepsPerRun) = context.Quick ? (1, 3) : (3, 6);
        var rabbit = RabbitMqEnvironment.FromEnvironment();
        await rabbit.EnsureReachableAsync(ct);
        await using var postgres = await PostgresEnvironment.CreateAsync(ct);
        await using var vhost = await rabbit.CreateVirtualHostAsync("bench-agents", ct);
        context.Progress.WriteLine($"RabbitMQ vhost '{vhost.Name}', PostgreSQL databases '{postgres.Prefix}*' (both deleted at the end)");
        await using var host = await AgentsHost.StartAsync(rabbit, vhost.Name, postgres);
        using var client = await host.CreateAccountClientAsync(ct);
        using var toolClient = host.CreateClient(address: host.ToolAddress);

        // A whole round's worth: with fewer, the JIT was still recompiling hot paths (tier 1) during the measured round,
        // a fifth of the machine's CPU in a profile, which a long-running service pays once.
        context.Progress.WriteLine($"warm-up: {ConcurrentRuns} runs");
        await RunBatchAsync(client, ConcurrentRuns, stepsPerRun, ct);
        await CallToolAsync(toolClient, ConcurrentRuns, 20, ct);

        var overheads = new List<double>();
        var cycles = new List<double>();
        var toolTimes = new List<double>();
        var runSeconds = new List<double>();
        var direct = new List<long>();
        var directElapsed = TimeSpan.Zero;
        var platformElapsed = TimeSpan.Zero;
        var cpuPlatform = TimeSpan.Zero;
        var cpuProcess = TimeSpan.Zero;
        var cpuDirect = TimeSpan.Zero;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the two sides, so a change in the shared machine's load hits both alike.
            context.Progress.WriteLine($"round {round + 1}/{rounds}: {ConcurrentRuns} runs of {stepsPerRun} steps at once, then the tool in-process with {ConcurrentRuns} callers");
            var cpuBefore = CpuSample.Take();
            var clock = Stopwatch.StartNew();
            var runs = await RunBatchAsync(client, ConcurrentRuns, stepsPerRun, ct);
            platformElapsed += clock.Elapsed;
            var used = CpuSample.Take() - cpuBefore;
            cpuPlatform += MachineCpu(used);
            cpuProcess += used.Process;
            foreach (var run in runs)
            {
                var steps = run.GetProperty("steps").EnumerateArray().ToList();
                runSeconds.Add((Time(run, "finishedAt") - Time(run, "createdAt")).TotalSeconds);
                for (var i = 1; i < steps.Count; i++)
                {
                    var cycle = (Time(steps[i], "finishedAt") - Time(steps[i - 1], "finishedAt")).TotalMilliseconds;
                    var tool = steps[i].GetProperty("toolMs").GetDouble();
                    cycles.Add(cycle);
                    toolTimes.Add(tool);
                    overheads.Add(cycle - tool);
                }
            }

            cpuBefore = CpuSample.Take();
            clock.Restart();
            direct.AddRange(await CallToolAsync(toolClient, ConcurrentRuns, stepsPerRun, ct));
            directElapsed += clock.Elapsed;
            cpuDirect += MachineCpu(CpuSample.Take() - cpuBefore);
        }

        // The floor: one run at a time, so no step waits behind another run's work (latency, not throughput).
        var alone = new List<double>();
        var (toStart, toClaim, afterTool) = (new List<double>(), new List<double>(), new List<double>());
        var aloneRuns = context.Quick ? 2 : 5;
        context.Progress.WriteLine($"alone: {aloneRuns} runs of {stepsPerRun} steps, one after another");
        for (var i = 0; i < aloneRuns; i++)
        {
            foreach (var run in await RunBatchAsync(client, 1, stepsPerRun, ct))
            {
                var steps = run.GetProperty("steps").EnumerateArray().ToList();
                for (var j = 1; j < steps.Count; j++)
                {
                    alone.Add((Time(steps[j], "finishedAt") - Time(steps[j - 1], "finishedAt")).TotalMilliseconds - steps[j].GetProperty("toolMs").GetDouble());

                    // Where the time goes, from the step's own timestamps (milliseconds): the previous report to this step's
                    // start (relay, saga turn), the start to the claim that records the guard's decision (relay, consumer,
                    // CheckAction, claim), and the tool's end to the report (RecordUsage, the report's commit).
                    var claimed = steps[j].GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("kind").GetString() == "guard")
                        .Select(d => Time(d, "at")).First();
                    toStart.Add((Time(steps[j], "startedAt") - Time(steps[j - 1], "finishedAt")).TotalMilliseconds);
                    toClaim.Add((claimed - Time(steps[j], "startedAt")).TotalMilliseconds);
                    afterTool.Add((Time(steps[j], "finishedAt") - claimed).TotalMilliseconds - steps[j].GetProperty("toolMs").GetDouble());
                }
            }
        }

        alone.Sort();
        var directStats = LatencyStats.From(direct, directElapsed);
        overheads.Sort();
        cycles.Sort();
        toolTimes.Sort();
        runSeconds.Sort();
        var overheadP50 = Percentile(overheads, 0.50);
        var stepsMeasured = cycles.Count;
        var results = new JsonObject
        {
            ["stack"] = "Agents + Billing + SafetyGuard modules in one process on RabbitMQ and PostgreSQL (distributed settings); explicit plans of " +
                $"{stepsPerRun} HTTP tool steps (GET a loopback JSON endpoint that answers after {AgentsHost.ToolMilliseconds} ms); {ConcurrentRuns} runs started at once per round, {rounds} round(s)",
            ["runs"] = rounds * ConcurrentRuns,
            ["steps_measured"] = stepsMeasured,
            ["overhead_ms"] = Describe(overheads),
            ["step_cycle_ms"] = Describe(cycles),
            ["tool_ms_as_recorded"] = Describe(toolTimes),
            ["run_seconds"] = Describe(runSeconds),
            ["steps_per_s"] = Math.Round((rounds * ConcurrentRuns * stepsPerRun) / platformElapsed.TotalSeconds, 1),
            // The whole machine's CPU: the broker and PostgreSQL do part of each step's work.
            ["machine_cpu_ms_per_step"] = Math.Round(cpuPlatform.TotalMilliseconds / (rounds * ConcurrentRuns * stepsPerRun), 3),
            // This process alone: the three modules (and the polling client and the tool server, which cost little).
            ["process_cpu_ms_per_step"] = Math.Round(cpuProcess.TotalMilliseconds / (rounds * ConcurrentRuns * stepsPerRun), 3),
            ["overhead_ms_one_run_at_a_time"] = Describe(alone),
            ["one_run_at_a_time_p50_ms"] = new JsonObject
            {
                ["report_to_next_step_started"] = Percentile(Sorted(toStart), 0.50),
                ["started_to_claimed_after_check"] = Percentile(Sorted(toClaim), 0.50),
                ["tool_end_to_report"] = Percentile(Sorted(afterTool), 0.50),
            },
            ["goal"] = "p50 overhead per step < 10 ms",
        };
        var baseline = new JsonObject
        {
            ["stack"] = $"the same tool called in-process with HttpClient, {ConcurrentRuns} callers at once, {stepsPerRun} calls each, per round",
            ["call_ms"] = directStats.ToJson(),
            ["machine_cpu_ms_per_call"] = Math.Round(cpuDirect.TotalMilliseconds / Math.Max(direct.Count, 1), 3),
        };
        context.Progress.WriteLine($"overhead per step p50 {overheadP50} ms, p99 {Percentile(overheads, 0.99)} ms; step cycle p50 {Percentile(cycles, 0.5)} ms; in-process call p50 {Math.Round(directStats.P50Ms, 3)} ms");
        return new BenchmarkResult(
            Name,
            new Headline("p50 overhead per step", overheadP50, "ms"),
            Math.Round(Percentile(cycles, 0.50) / Math.Max(directStats.P50Ms, 0.001), 1),
            results,
            baseline,
            MachineInfo.Current());
    }

    /// <summary>Starts <paramref name="count"/> runs at once and waits until every one ended; returns each run as GET /v1/runs/{id} shows it.</summary>
    private static async Task<List<JsonElement>> RunBatchAsync(HttpClient client, int count, int steps, CancellationToken ct)
    {
        var plan = new
        {
            steps = Enumerable.Range(0, steps).Select(i => new { id = $"s{i}", tool = "items.get", arguments = new { id = i.ToString(CultureInfo.InvariantCulture) } }).ToArray(),
        };
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var run = await PlatformHttp.ExpectAsync(await client.PostAsJsonAsync("/v1/runs", new { goal = "benchmark", plan, budget = 100_000 }, ct), 202, ct);
            return run.GetProperty("id").GetString()!;
        }));

        var pending = new HashSet<string>(ids);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (pending.Count > 0)
        {
            // One list request per poll, so polling adds little load of its own.
            await Task.Delay(250, ct);
            var list = await PlatformHttp.ExpectAsync(await client.GetAsync("/v1/runs?limit=200", ct), 200, ct);
            foreach (var run in list.GetProperty("items").EnumerateArray())
            {
                if (run.GetProperty("state").GetString() is "completed" or "failed" or "budget_exhausted" or "cancelled")
                {
                    pending.Remove(run.GetProperty("id").GetString()!);
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{pending.Count} of {count} runs did not end within 10 minutes.");
            }
        }

        var runs = new List<JsonElement>();
        foreach (var id in ids)
        {
            var run = await PlatformHttp.ExpectAsync(await client.GetAsync($"/v1/runs/{id}", ct), 200, ct);
            if (run.GetProperty("state").GetString() != "completed")
            {
                throw new InvalidOperationException($"Run {id} did not complete: {run}");
            }

            runs.Add(run);
        }

        return runs;
    }

    /// <summary>The baseline: <paramref name="callers"/> at once, each calling the tool <paramref name="calls"/> times in a row; ticks per call.</summary>
    private static async Task<List<long>> CallToolAsync(HttpClient tool, int callers, int calls, CancellationToken ct)
    {
        var ticks = await Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
        {
            var own = new List<long>(calls);
            for (var i = 0; i < calls; i++)
            {
                var began = Stopwatch.GetTimestamp();
                using var response = await tool.GetAsync($"/items/{i}", ct);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsByteArrayAsync(ct);
                own.Add(Stopwatch.GetTimestamp() - began);
            }

            return own;
        }));
        return [.. ticks.SelectMany(t => t)];
    }

    private static DateTimeOffset Time(JsonElement element, string property) =>
        DateTimeOffset.Parse(element.GetProperty(property).GetString()!, CultureInfo.InvariantCulture);

    private static TimeSpan MachineCpu(CpuSample sample) => sample.Machine ?? sample.Process;

    private static JsonObject Describe(List<double> sorted) => new()
    {
        ["count"] = sorted.Count,
        ["p50"] = Percentile(sorted, 0.50),
        ["p90"] = Percentile(sorted, 0.90),
        ["p99"] = Percentile(sorted, 0.99),
        ["max"] = sorted.Count == 0 ? 0 : Math.Round(sorted[^1], 1),
        ["mean"] = sorted.Count == 0 ? 0 : Math.Round(sorted.Average(), 1),
    };

    private static List<double> Sorted(List<double> values)
    {
        values.Sort();
        return values;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 1);
}
