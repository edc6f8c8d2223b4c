using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Benchmarks.Framework;

/// <summary>
/// Prints a result as a short text table: headline and ratio, then every leaf of <c>results</c>
/// beside the same leaf of <c>baseline</c>. Generic so each scenario only has to fill the JSON.
/// </summary>
public static class ResultTable
{
    public static string Render(BenchmarkResult result)
    {
        var (platform, platformNotes) = Flatten(result.Results);
        var (baseline, baselineNotes) = Flatten(result.Baseline);
        var keys = platform.Keys.Concat(baseline.Keys.Where(k => !platform.ContainsKey(k))).ToList();

        var rows = new List<string[]> { new[] { "metric", "platform", "baseline" } };
        rows.AddRange(keys.Select(k => new[] { k, platform.GetValueOrDefault(k, "-"), baseline.GetValueOrDefault(k, "-") }));
        var widths = Enumerable.Range(0, 3).Select(c => rows.Max(r => r[c].Length)).ToArray();

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scenario: {result.Scenario}");
        text.AppendLine(CultureInfo.InvariantCulture, $"headline: {result.Headline.Name} = {Format(result.Headline.Value)} {result.Headline.Unit}");
        text.AppendLine(CultureInfo.InvariantCulture, $"ratio:    {Format(result.Ratio)} (platform / baseline)");
        text.AppendLine(CultureInfo.InvariantCulture, $"machine:  {result.Machine.Cores} cores, {result.Machine.Cpu}, {result.Machine.Os}, .NET {result.Machine.DotnetRuntime}");
        text.AppendLine();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"{r[0].PadRight(widths[0])}  {r[1].PadLeft(widths[1])}  {r[2].PadLeft(widths[2])}");
            if (i == 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{new string('-', widths[0])}  {new string('-', widths[1])}  {new string('-', widths[2])}");
            }
        }

        // Text leaves (what each side is) would make the columns unreadable; they go underneath.
        if (platformNotes.Count + baselineNotes.Count > 0)
        {
            text.AppendLine();
        }

        foreach (var (key, note) in platformNotes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"platform {key}: {note}");
        }

        foreach (var (key, note) in baselineNotes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"baseline {key}: {note}");
        }

        return text.ToString();
    }

    private static (Dictionary<string, string> Numbers, Dictionary<string, string> Notes) Flatten(JsonObject root)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        Visit(root, prefix: "");
        return (leaves, notes);

        void Visit(JsonNode? node, string prefix)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        Visit(child, prefix.Length == 0 ? key : $"{prefix}.{key}");
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                    // Via the text: GetValue<double> refuses a node that was built from an int.
                    leaves[prefix] = Format(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture));
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    notes[prefix] = value.GetValue<string>();
                    break;
                case null:
                    leaves[prefix] = "null";
                    break;
                default:
                    leaves[prefix] = node.ToJsonString();
                    break;
            }
        }
    }

    private static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 100 ? "N1" : "0.###", CultureInfo.InvariantCulture);
}
