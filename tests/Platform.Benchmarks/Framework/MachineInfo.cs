using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks.Framework;

/// <summary>Where a result was measured; figures from different machines are not comparable without it.</summary>
public sealed record MachineInfo(int Cores, string Os, string DotnetRuntime, string Cpu, DateTime DateUtc, double? LoadAverage)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        Environment.Version.ToString(),
        ReadCpuModel(),
        DateTime.UtcNow,
        ReadLoadAverage());

    /// <summary>
    /// The 1-minute load average (Linux; null elsewhere): on a shared machine, how busy it was besides the
    /// run (a scenario can take it per phase too), which says how far its figures can be trusted.
    /// </summary>
    public static double? ReadLoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ', 2)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public JsonObject ToJson() => new()
    {
        ["cores"] = Cores,
        ["os"] = Os,
        ["dotnet"] = DotnetRuntime,
        ["cpu"] = Cpu,
        ["date_utc"] = DateUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["load_average_1m"] = LoadAverage,
    };

    private static string ReadCpuModel()
    {
        try
        {
            // Linux only; elsewhere the architecture is the best cheap answer.
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon >= 0)
                    {
                        return line[(colon + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
