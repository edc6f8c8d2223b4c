using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks.Framework;

/// <summary>Latency percentiles and throughput of one measured phase.</summary>
public sealed record LatencyStats(
    int Count,
    TimeSpan Elapsed,
    double MeanMs,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs)
{
    /// <summary>CPU used during the phase, when measured (see <see cref="CpuSample"/>).</summary>
    public CpuSample? Cpu { get; init; }

    /// <summary>Completed operations per second of wall-clock time (all callers together).</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    /// <param name="durationsInTicks">Per-operation durations in <see cref="Stopwatch"/> ticks.</param>
    /// <param name="elapsed">Wall-clock time of the whole phase, for throughput.</param>
    public static LatencyStats From(IReadOnlyCollection<long> durationsInTicks, TimeSpan elapsed)
    {
        if (durationsInTicks.Count == 0)
        {
            return new LatencyStats(0, elapsed, 0, 0, 0, 0, 0);
        }

        var sorted = durationsInTicks.ToArray();
        Array.Sort(sorted);
        var msPerTick = 1000.0 / Stopwatch.Frequency;
        double total = 0;
        foreach (var ticks in sorted)
        {
            total += ticks;
        }

        return new LatencyStats(
            sorted.Length,
            elapsed,
            total / sorted.Length * msPerTick,
            Percentile(sorted, 0.50) * msPerTick,
            Percentile(sorted, 0.95) * msPerTick,
            Percentile(sorted, 0.99) * msPerTick,
            sorted[^1] * msPerTick);
    }

    /// <summary>Nearest rank: the smallest sample with at least p of the samples at or below it (no interpolation).</summary>
    public static long Percentile(long[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public JsonObject ToJson() => new JsonObject
    {
        ["count"] = Count,
        ["duration_s"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["throughput_per_s"] = Math.Round(Throughput, 1),
        ["mean_ms"] = Math.Round(MeanMs, 3),
        ["p50_ms"] = Math.Round(P50Ms, 3),
        ["p95_ms"] = Math.Round(P95Ms, 3),
        ["p99_ms"] = Math.Round(P99Ms, 3),
        ["max_ms"] = Math.Round(MaxMs, 3),
    }.WithCpu(Cpu, Count);
}

internal static class CpuJson
{
    public static JsonObject WithCpu(this JsonObject json, CpuSample? cpu, int count)
    {
        if (cpu is { } used && count > 0)
        {
            json["process_cpu_ms_per_op"] = Math.Round(used.Process.TotalMilliseconds / count, 3);
            if (used.Machine is { } machine)
            {
                json["machine_cpu_ms_per_op"] = Math.Round(machine.TotalMilliseconds / count, 3);
            }
        }

        return json;
    }
}
