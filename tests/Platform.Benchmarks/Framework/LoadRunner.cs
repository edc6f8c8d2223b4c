using System.Diagnostics;

namespace Platform.Benchmarks.Framework;

/// <summary>One caller's operation (a round trip, a query...); throws if the operation failed.</summary>
public delegate Task Operation(CancellationToken cancellationToken);

/// <summary>
/// Drives operations sequentially or from concurrent callers, always after a warm-up whose samples
/// are thrown away (JIT, tiered compilation, connection and channel pools, broker-side queue state).
/// </summary>
public static class LoadRunner
{
    /// <summary>One caller, one operation at a time: latency without queueing.</summary>
    public static async Task<LatencyStats> SequentialAsync(Operation operation, int warmUp, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await operation(cancellationToken);
        }

        var durations = new long[count];
        var cpu = CpuSample.Take();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var began = Stopwatch.GetTimestamp();
            await operation(cancellationToken);
            durations[i] = Stopwatch.GetTimestamp() - began;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return LatencyStats.From(durations, elapsed) with { Cpu = CpuSample.Take() - cpu };
    }

    /// <summary>
    /// Every caller loops for <paramref name="duration"/> (closed loop: next call when the previous returns).
    /// Elapsed time runs until the last in-flight call finishes, so throughput is not flattered.
    /// </summary>
    public static async Task<LatencyStats> ConcurrentAsync(IReadOnlyList<Operation> callers, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await RunForAsync(callers, warmUp, cancellationToken);
        }

        var cpu = CpuSample.Take();
        var start = Stopwatch.GetTimestamp();
        var perCaller = await RunForAsync(callers, duration, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start);
        return LatencyStats.From(perCaller.SelectMany(d => d).ToArray(), elapsed) with { Cpu = CpuSample.Take() - cpu };
    }

    private static Task<List<long>[]> RunForAsync(IReadOnlyList<Operation> callers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        // Task.Run so one caller's synchronous continuation cannot hold up the others' start.
        return Task.WhenAll(callers.Select(operation => Task.Run(async () =>
        {
            var durations = new List<long>(4096);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var began = Stopwatch.GetTimestamp();
                await operation(cancellationToken);
                durations.Add(Stopwatch.GetTimestamp() - began);
            }

            return durations;
        }, cancellationToken)));
    }
}
