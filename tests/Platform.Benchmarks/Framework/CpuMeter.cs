using System.Diagnostics;
using System.Globalization;

namespace Platform.Benchmarks.Framework;

/// <summary>
/// CPU spent during a phase: this process (client and, in-process, server side) and the whole
/// machine (which includes the broker or database). On a small machine running everything, CPU
/// per operation is what bounds throughput, so it explains a ratio better than latency alone.
/// </summary>
public readonly record struct CpuSample(TimeSpan Process, TimeSpan? Machine)
{
    public static CpuSample Take()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new CpuSample(self.TotalProcessorTime, ReadMachineBusy());
    }

    public static CpuSample operator -(CpuSample after, CpuSample before) => new(
        after.Process - before.Process,
        after.Machine is { } a && before.Machine is { } b ? a - b : null);

    /// <summary>Busy time of all cores from /proc/stat (user+nice+system+irq+softirq+steal); null off Linux.</summary>
    private static TimeSpan? ReadMachineBusy()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null)
            {
                return null;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal ...: everything but idle and iowait.
            long busy = 0;
            for (var i = 0; i < Math.Min(fields.Length, 8); i++)
            {
                if (i is not (3 or 4))
                {
                    busy += fields[i];
                }
            }

            // /proc/stat counts in USER_HZ, 100 on every Linux the platform runs on.
            return TimeSpan.FromMilliseconds(busy * 10.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
