using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;

namespace Platform.Benchmarks.Scenarios.Cad;

/// <summary>
/// Prompt to STL through the platform (POST /v1/cad/jobs with a prompt, poll the job, GET the STL)
/// against the openscad command run directly on the same .scad in the same run: one at a time
/// (latency) and at concurrency 4 (jobs/s); in both, the two sides alternate so that load on the
/// shared machine hits both alike. Headline: platform jobs/s at concurrency 4; ratio: platform p50 / direct
/// p50 one at a time (the overhead ratio; goal &lt;= 1.15).
/// </summary>
public sealed class CadScenario : IScenario
{
    private const int Concurrency = 4;
    private const int Rounds = 3;
    private const string OpenScadPath = "/usr/bin/openscad";
    private const string BubblewrapPath = "/usr/bin/bwrap";
    private const string Prompt = "A mounting plate 80 x 50 x 3 mm with four M3 holes";
    private const long RenderPricePerSecond = 20_000;

    // Polling the job adds on average half this to every platform sample.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public string Name => "cad";

    public string Description => "prompt -> STL through the platform (guard, reserve, sandboxed render, validation, capture) vs openscad run directly on the same .scad; 1 at a time and at concurrency 4";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        if (!DirectOpenScad.IsInstalled(OpenScadPath) || !File.Exists(BubblewrapPath))
        {
            throw new DependencyUnavailableException(
                $"{OpenScadPath} and {BubblewrapPath} are needed (Debian: apt-get install -y openscad bubblewrap).");
        }

        var (warmUp, sequential) = context.Quick ? (1, 4) : (2, 20);
        var concurrentWarmUp = context.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3);
        var slice = context.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10);

        // As many render slots as callers, so the concurrent phase compares like with like.
        await using var host = await CadHost.StartAsync(renderConcurrency: Concurrency);
        using var client = await host.CreateAccountClientAsync(1_000_000_000_000, RenderPricePerSecond, ct);

        context.Progress.WriteLine($"platform warm-up: {warmUp} job(s) for \"{Prompt}\"");
        JobRun? first = null;
        for (var i = 0; i < warmUp; i++)
        {
            first ??= await RunJobAsync(client, ct);
        }

        var scad = await client.GetStringAsync($"/v1/cad/jobs/{first!.Id}/model.scad", ct);
        using var direct = new DirectOpenScad(OpenScadPath, scad);
        await direct.RenderAsync(ct);

        context.Progress.WriteLine($"one at a time: {sequential} platform jobs and {sequential} direct renders, alternating");
        var platformTicks = new long[sequential];
        var directTicks = new long[sequential];
        var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var platformElapsed = TimeSpan.Zero;
        var directElapsed = TimeSpan.Zero;
        for (var i = 0; i < sequential; i++)
        {
            var began = Stopwatch.GetTimestamp();
            await direct.RenderAsync(ct);
            directTicks[i] = Stopwatch.GetTimestamp() - began;
            directElapsed += Stopwatch.GetElapsedTime(began);

            began = Stopwatch.GetTimestamp();
            var run = await RunJobAsync(client, ct);
            platformTicks[i] = Stopwatch.GetTimestamp() - began;
            platformElapsed += Stopwatch.GetElapsedTime(began);
            // From the job's acceptance (its row) to the saga's first message: the hop through the outbox relay and the bus.
            var created = run.Job.GetProperty("createdAt").GetDateTimeOffset();
            (steps.TryGetValue("accepted_to_saga", out var hop) ? hop : steps["accepted_to_saga"] = [])
                .Add((run.Job.GetProperty("steps")[0].GetProperty("startedAt").GetDateTimeOffset() - created).TotalMilliseconds);
            foreach (var step in run.Job.GetProperty("steps").EnumerateArray())
            {
                var name = step.GetProperty("step").GetString()!;
                (steps.TryGetValue(name, out var list) ? list : steps[name] = []).Add(step.GetProperty("durationMs").GetDouble());
            }
        }

        var platformSequential = LatencyStats.From(platformTicks, platformElapsed);
        var directSequential = LatencyStats.From(directTicks, directElapsed);

        // Concurrency 4 in alternating slices (direct, platform, direct, ...), so a change in the shared
        // machine's load between phases cannot favour one side.
        context.Progress.WriteLine($"concurrency {Concurrency}: {Rounds} alternating slices of {slice.TotalSeconds:0.#} s per side after a warm-up");
        await RunSliceAsync(c => direct.RenderAsync(c), concurrentWarmUp, ct);
        await RunSliceAsync(c => RunJobAsync(client, c), concurrentWarmUp, ct);
        var directSlices = new List<(List<long> Ticks, TimeSpan Elapsed)>();
        var platformSlices = new List<(List<long> Ticks, TimeSpan Elapsed)>();
        for (var round = 0; round < Rounds; round++)
        {
            directSlices.Add(await RunSliceAsync(c => direct.RenderAsync(c), slice, ct));
            platformSlices.Add(await RunSliceAsync(c => RunJobAsync(client, c), slice, ct));
        }

        var directConcurrent = Merge(directSlices);
        var platformConcurrent = Merge(platformSlices);

        var ratio = Math.Round(platformSequential.P50Ms / directSequential.P50Ms, 3);
        var results = new JsonObject
        {
            ["stack"] = "standalone composition in one process (Billing + SafetyGuard + CadGenerator, in-memory bus, SQLite): POST /v1/cad/jobs with a prompt, " +
                $"poll GET /v1/cad/jobs/{{id}} every {PollInterval.TotalMilliseconds:0} ms, GET model.stl; guard, reserve, parser design, bubblewrap render, mesh validation, meter, capture",
            ["prompt"] = Prompt,
            ["sequential"] = platformSequential.ToJson(),
            ["concurrent"] = Describe(platformConcurrent),
            ["step_mean_ms"] = new JsonObject(steps.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)Math.Round(s.Value.Average(), 1)))),
            ["p50_over_direct_ms"] = Math.Round(platformSequential.P50Ms - directSequential.P50Ms, 1),
            ["jobs_per_s_over_direct"] = Math.Round(platformConcurrent.Throughput / directConcurrent.Throughput, 3),
            ["render_slots"] = Concurrency,
        };
        var baseline = new JsonObject
        {
            ["stack"] = $"setsid {OpenScadPath} --hardwarnings -o model.stl --export-format binstl model.scad on the .scad the platform rendered, fresh folder per render, STL read back; no sandbox",
            ["prompt"] = Prompt,
            ["sequential"] = directSequential.ToJson(),
            ["concurrent"] = Describe(directConcurrent),
        };

        return new BenchmarkResult(
            Name,
            new Headline($"platform prompt-to-STL jobs/s at concurrency {Concurrency}", Math.Round(platformConcurrent.Throughput, 2), "jobs/s"),
            ratio,
            results,
            baseline,
            MachineInfo.Current());
    }

    /// <summary>
    /// <see cref="Concurrency"/> closed-loop callers for <paramref name="duration"/>; the slice lasts until the
    /// last call in flight returns, so throughput is not flattered.
    /// </summary>
    private static async Task<(List<long> Ticks, TimeSpan Elapsed)> RunSliceAsync(Operation operation, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perCaller = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            var ticks = new List<long>();
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var began = Stopwatch.GetTimestamp();
                await operation(cancellationToken);
                ticks.Add(Stopwatch.GetTimestamp() - began);
            }

            return ticks;
        }, cancellationToken)));
        return ([.. perCaller.SelectMany(t => t)], Stopwatch.GetElapsedTime(start));
    }

    private static LatencyStats Merge(List<(List<long> Ticks, TimeSpan Elapsed)> slices) =>
        LatencyStats.From([.. slices.SelectMany(s => s.Ticks)], TimeSpan.FromTicks(slices.Sum(s => s.Elapsed.Ticks)));

    private static JsonObject Describe(LatencyStats stats)
    {
        var json = stats.ToJson();
        json["callers"] = Concurrency;
        return json;
    }

    /// <summary>One job from submission to the STL in hand; throws when the job fails.</summary>
    private static async Task<JobRun> RunJobAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var submitted = await PlatformHttp.ExpectAsync(await client.PostAsJsonAsync("/v1/cad/jobs", new { prompt = Prompt }, cancellationToken), 202, cancellationToken);
        var id = submitted.GetProperty("id").GetString()!;
        var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        while (true)
        {
            var job = await PlatformHttp.ExpectAsync(await client.GetAsync($"/v1/cad/jobs/{id}", cancellationToken), 200, cancellationToken);
            switch (job.GetProperty("state").GetString())
            {
                case "done":
                    var stl = await client.GetByteArrayAsync($"/v1/cad/jobs/{id}/model.stl", cancellationToken);
                    if (stl.Length < 84)
                    {
                        throw new InvalidOperationException($"Job {id} answered a {stl.Length}-byte STL.");
                    }

                    return new JobRun(id, job);
                case "failed":
                    throw new InvalidOperationException($"Job {id} failed: {job}");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Job {id} did not finish within 120 s: {job}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private sealed record JobRun(string Id, JsonElement Job);
}
