using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Agents.Runs;

/// <summary>
/// A reference from a step's arguments to an earlier step's output (or the run's goal). Anywhere in the
/// arguments, an object whose only property is <c>$ref</c> is replaced, when the step starts, by the value it names:
/// <list type="bullet">
/// <item><c>{"$ref": "goal"}</c>: the run's goal (a string);</item>
/// <item><c>{"$ref": "steps.&lt;id&gt;.output"}</c>: the whole output of the step with that id;</item>
/// <item><c>{"$ref": "steps.&lt;id&gt;.output.chunks[0].text"}</c>: a part of it, by property names (<c>.name</c>) and
/// array positions (<c>[n]</c>, 0-based).</item>
/// </list>
/// The step must come earlier in the plan (checked when the run is created). A path that does not exist in the
/// actual output fails the referring step permanently, with the path in the error: a missing value is never
/// replaced by null or an empty string.
/// </summary>
public sealed class StepReference
{
    public const string Key = "$ref";
    public const int MaxLength = 1000;

    private StepReference(string text, string? stepId, IReadOnlyList<object> path)
    {
        Text = text;
        StepId = stepId;
        Path = path;
    }

    public string Text { get; }

    /// <summary>The referenced step's id; null for <c>goal</c>.</summary>
    public string? StepId { get; }

    /// <summary>Property names (string) and array positions (int) below the output.</summary>
    public IReadOnlyList<object> Path { get; }

    /// <summary>True when <paramref name="value"/> is a reference object (<c>{"$ref": ...}</c> and nothing else).</summary>
    public static bool IsReference(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(Key, out _) && value.EnumerateObject().Count() == 1;

    public static StepReference? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length is 0 or > MaxLength)
        {
            error = $"must be 1 to {MaxLength} characters";
            return null;
        }

        if (text == "goal")
        {
            return new StepReference(text, null, []);
        }

        const string prefix = "steps.";
        const string output = ".output";
        var end = text.IndexOf(output, prefix.Length, StringComparison.Ordinal);
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || end <= prefix.Length)
        {
            error = "must be \"goal\" or \"steps.<step id>.output\" followed by .name or [index] parts";
            return null;
        }

        var stepId = text[prefix.Length..end];
        if (!PlanStepIds.IsValid(stepId))
        {
            error = $"names step '{stepId}', which is not a valid step id";
            return null;
        }

        var path = new List<object>();
        var i = end + output.Length;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"has an empty property name at position {start}";
                    return null;
                }

                path.Add(text[start..i]);
            }
            else if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    error = $"has an invalid array position at {i}: use [0], [1], ...";
                    return null;
                }

                path.Add(index);
                i = close + 1;
            }
            else
            {
                error = $"has '{text[i]}' at position {i}; expected '.' or '['";
                return null;
            }
        }

        return new StepReference(text, stepId, path);
    }

    /// <summary>The referenced value inside <paramref name="root"/> (the step's output, or the goal as a string).</summary>
    public bool TryResolve(JsonNode? root, out JsonNode? value, out string? error)
    {
        var current = root;
        var walked = StepId is null ? "goal" : $"steps.{StepId}.output";
        foreach (var part in Path)
        {
            if (part is string name)
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(name, out var next))
                {
                    value = null;
                    error = current is JsonArray
                        ? $"{walked} is an array, not an object: take an item first, e.g. {walked}[0].{name}"
                        : $"{walked} has no property '{name}'";
                    return false;
                }

                current = next;
                walked += "." + name;
            }
            else
            {
                var index = (int)part;
                if (current is not JsonArray array || index >= array.Count)
                {
                    value = null;
                    error = current is JsonArray a ? $"{walked} has {a.Count} items, so [{index}] does not exist" : $"{walked} is not an array";
                    return false;
                }

                current = array[index];
                walked += $"[{index}]";
            }
        }

        if (current is null)
        {
            value = null;
            error = $"{walked} is null";
            return false;
        }

        value = current.DeepClone();
        error = null;
        return true;
    }

    /// <summary>Every reference inside <paramref name="arguments"/>, with its JSON path (for error fields), or the errors.</summary>
    public static IEnumerable<(string Field, string Text)> FindAll(JsonElement arguments, string field)
    {
        if (IsReference(arguments))
        {
            var text = arguments.GetProperty(Key);
            yield return (field, text.ValueKind == JsonValueKind.String ? text.GetString()! : "");
            yield break;
        }

        switch (arguments.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in arguments.EnumerateObject())
                {
                    foreach (var found in FindAll(property.Value, $"{field}.{property.Name}"))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in arguments.EnumerateArray())
                {
                    foreach (var found in FindAll(item, $"{field}[{i++}]"))
                    {
                        yield return found;
                    }
                }

                break;
        }
    }
}

/// <summary>Step ids: what references name. Letters, digits, '_' and '-', at most 64.</summary>
public static class PlanStepIds
{
    public const int MaxLength = 64;

    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
