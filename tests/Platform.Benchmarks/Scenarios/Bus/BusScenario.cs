using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;
using Platform.Messaging;

namespace Platform.Benchmarks.Scenarios.Bus;

/// <summary>
/// Request/response round trips over the platform's bus wiring on RabbitMQ, against a raw
/// RabbitMQ.Client RPC on the same broker in the same run. Headline: platform round trips/s with
/// 32 concurrent callers; ratio: platform / raw throughput at that concurrency.
/// </summary>
public sealed class BusScenario : IScenario
{
    /// <summary>Callers of the throughput phase; matches the platform's default prefetch (BusOptions.PrefetchCount).</summary>
    private const int Callers = 32;

    public string Name => "bus";

    public string Description => "request/response round trips: platform bus (MassTransit) vs raw RabbitMQ.Client RPC";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var plan = context.Quick
            ? new Plan(SequentialWarmUp: 50, Sequential: 200, ConcurrentWarmUp: TimeSpan.FromSeconds(0.5), Concurrent: TimeSpan.FromSeconds(2))
            : new Plan(SequentialWarmUp: 200, Sequential: 2_000, ConcurrentWarmUp: TimeSpan.FromSeconds(2), Concurrent: TimeSpan.FromSeconds(10));

        var rabbit = RabbitMqEnvironment.FromEnvironment();
        await rabbit.EnsureReachableAsync(ct);
        await using var vhost = await rabbit.CreateVirtualHostAsync("bench-bus", ct);
        context.Progress.WriteLine($"RabbitMQ {rabbit.Host}:{rabbit.Port}, virtual host '{vhost.Name}' (deleted at the end)");

        // Both stacks stay up for the whole run and the phases alternate between them, so a
        // broker or machine that drifts (disk flushes, other load) affects both about equally.
        await using var raw = await RawRabbitMqTarget.StartAsync(rabbit, vhost.Name, (ushort)new BusOptions().PrefetchCount, ct);
        await using var platform = await PlatformBusTarget.StartAsync(rabbit, vhost.Name, ct);

        var rawCallers = await CreateCallersAsync(raw, ct);
        var platformCallers = await CreateCallersAsync(platform, ct);

        context.Progress.WriteLine($"sequential: {plan.Sequential} round trips after {plan.SequentialWarmUp} warm-up, each side");
        var rawSequential = await LoadRunner.SequentialAsync(rawCallers[0], plan.SequentialWarmUp, plan.Sequential, ct);
        var platformSequential = await LoadRunner.SequentialAsync(platformCallers[0], plan.SequentialWarmUp, plan.Sequential, ct);

        context.Progress.WriteLine($"concurrent: {Callers} callers for {plan.Concurrent.TotalSeconds:0.#} s after {plan.ConcurrentWarmUp.TotalSeconds:0.#} s warm-up, each side");
        var rawConcurrent = await LoadRunner.ConcurrentAsync(rawCallers, plan.ConcurrentWarmUp, plan.Concurrent, ct);
        var platformConcurrent = await LoadRunner.ConcurrentAsync(platformCallers, plan.ConcurrentWarmUp, plan.Concurrent, ct);

        return new BenchmarkResult(
            Name,
            new Headline($"platform round trips/s at concurrency {Callers}", Math.Round(platformConcurrent.Throughput, 1), "round trips/s"),
            rawConcurrent.Throughput > 0 ? Math.Round(platformConcurrent.Throughput / rawConcurrent.Throughput, 3) : 0,
            Describe("MassTransit request client over the platform bus (AddPlatformBus, RabbitMq)", platformSequential, platformConcurrent),
            Describe("RabbitMQ.Client RPC, direct reply-to, transient unconfirmed messages", rawSequential, rawConcurrent),
            MachineInfo.Current());
    }

    private static async Task<Operation[]> CreateCallersAsync(IRoundTripTarget target, CancellationToken ct)
    {
        var callers = new Operation[Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = await target.CreateCallerAsync(ct);
        }

        return callers;
    }

    private static JsonObject Describe(string stack, LatencyStats sequential, LatencyStats concurrent)
    {
        var concurrentJson = concurrent.ToJson();
        concurrentJson.Insert(0, "callers", Callers);
        return new JsonObject
        {
            ["stack"] = stack,
            ["sequential"] = sequential.ToJson(),
            ["concurrent"] = concurrentJson,
        };
    }

    private sealed record Plan(int SequentialWarmUp, int Sequential, TimeSpan ConcurrentWarmUp, TimeSpan Concurrent);
}
