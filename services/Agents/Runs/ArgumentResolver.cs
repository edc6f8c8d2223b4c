using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Agents.Runs;

/// <summary>Replaces the <c>{"$ref": ...}</c> objects in a step's arguments with the values they name (see <see cref="StepReference"/>).</summary>
public static class ArgumentResolver
{
    public static bool HasReferences(JsonElement arguments) => StepReference.FindAll(arguments, "").Any();

    /// <summary>The arguments with every reference resolved, or null and the first reference that could not be.</summary>
    public static JsonNode? Resolve(JsonElement arguments, string goal, IReadOnlyDictionary<string, JsonNode?> outputs, out string? error)
    {
        error = null;
        var resolved = Walk(arguments, goal, outputs, ref error);
        return error is null ? resolved : null;
    }

    private static JsonNode? Walk(JsonElement value, string goal, IReadOnlyDictionary<string, JsonNode?> outputs, ref string? error)
    {
        if (error is not null)
        {
            return null;
        }

        if (StepReference.IsReference(value))
        {
            var text = value.GetProperty(StepReference.Key).GetString() ?? "";
            var reference = StepReference.TryParse(text, out var parseError);
            if (reference is null)
            {
                error = $"$ref \"{text}\" {parseError}";
                return null;
            }

            JsonNode? root;
            if (reference.StepId is null)
            {
                root = JsonValue.Create(goal);
            }
            else if (!outputs.TryGetValue(reference.StepId, out root))
            {
                error = $"$ref \"{text}\": step '{reference.StepId}' has no output (it has not succeeded)";
                return null;
            }

            if (!reference.TryResolve(root, out var found, out var resolveError))
            {
                error = $"$ref \"{text}\": {resolveError}";
                return null;
            }

            return found;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in value.EnumerateObject())
                {
                    obj[property.Name] = Walk(property.Value, goal, outputs, ref error);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    array.Add(Walk(item, goal, outputs, ref error));
                }

                return array;
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }
}
