using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks.Framework;

/// <summary>The figure a scenario's issue sets a goal for.</summary>
public sealed record Headline(string Name, double Value, string Unit);

/// <summary>
/// One scenario's outcome in the shape every benchmark writes (DESIGN.md, "Benchmarks and evaluations"):
/// <c>{"scenario", "headline": {"name", "value", "unit"}, "ratio", "results", "baseline", "machine"}</c>.
/// <see cref="Results"/> (the platform) and <see cref="Baseline"/> should have the same shape so the
/// table can set them side by side.
/// </summary>
public sealed record BenchmarkResult(
    string Scenario,
    Headline Headline,
    double Ratio,
    JsonObject Results,
    JsonObject Baseline,
    MachineInfo Machine)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Built by hand rather than reflected so the key order and names are exactly the convention's.</summary>
    public JsonObject ToJson() => new()
    {
        ["scenario"] = Scenario,
        ["headline"] = new JsonObject
        {
            ["name"] = Headline.Name,
            ["value"] = Headline.Value,
            ["unit"] = Headline.Unit,
        },
        ["ratio"] = Ratio,
        ["results"] = Results.DeepClone(),
        ["baseline"] = Baseline.DeepClone(),
        ["machine"] = Machine.ToJson(),
    };

    public string ToJsonString() => ToJson().ToJsonString(Indented);

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, ToJsonString() + "\n", cancellationToken);
    }
}
