using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>Puts the billing scenario's phases into the common result shape.</summary>
public sealed class BillingResultBuilder(int callers, int baselineConnections)
{
    public BenchmarkResult Build(string scenario, LatencyStats batched, LatencyStats bus, LatencyStats direct, LatencyStats singleCommit, LatencyStats concurrentCommit)
    {
        var results = new JsonObject
        {
            ["stack"] = "ReserveCredits + CaptureCredits over RabbitMQ (platform bus; batch messages from a coalescing client, or one request per command) into the Billing module, PostgreSQL ledger with group commit",
            ["pairs_through_bus_batch_messages"] = Phase(batched, callers),
            ["pairs_through_bus_one_message_per_command"] = Phase(bus, callers),
            ["pairs_ledger_only"] = Phase(direct, callers),
        };
        var baseline = new JsonObject
        {
            ["stack"] = "PostgreSQL single-row INSERT, autocommit (one durable commit per row), same server and database",
            ["single_row_commits_1_connection"] = Phase(singleCommit, 1),
            ["single_row_commits_concurrent"] = Phase(concurrentCommit, baselineConnections),
        };
        return new BenchmarkResult(
            scenario,
            new Headline($"reserve+capture pairs/s through the bus, batch messages ({callers} callers)", Math.Round(batched.Throughput, 1), "pairs/s"),
            singleCommit.Throughput > 0 ? Math.Round(batched.Throughput / singleCommit.Throughput, 3) : 0,
            results,
            baseline,
            MachineInfo.Current());
    }

    private static JsonObject Phase(LatencyStats stats, int concurrency)
    {
        var json = stats.ToJson();
        json.Insert(0, "concurrency", concurrency);
        return json;
    }
}
