using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Agents.Runs;
using Platform.Agents.Tools;
using Platform.Contracts.Inference;

namespace Platform.Agents.Planning;

/// <summary>
/// The planner's conversation in OpenAI's tool-calling shapes: the tools as <c>{"type": "function", "function": {name,
/// description, parameters}}</c>, earlier calls as assistant <c>tool_calls</c> and their results as <c>tool</c> messages.
/// Inference's Generate carries plain role/content messages, so the tools and the expected answer are given in the
/// system message and each earlier call and result as JSON text; the answer is read by <see cref="PlannerAnswer"/>.
/// </summary>
public static class PlannerPrompt
{
    public static IReadOnlyList<GenerateMessage> Build(string goal, IReadOnlyList<ToolDefinition> tools, IReadOnlyList<StepView> steps, int maxOutputCharacters)
    {
        var functions = new JsonArray([.. tools.Select(t => (JsonNode?)new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = t.Name,
                ["description"] = t.Description,
                ["parameters"] = JsonNode.Parse(t.ArgumentsSchema.GetRawText()),
            },
        })]);
        var system =
            "You plan and carry out a task by calling tools, one call at a time. The tools, in OpenAI function format:\n" +
            functions.ToJsonString() + "\n" +
            "Answer with exactly one JSON object and nothing else: either\n" +
            "{\"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"<tool>\", \"arguments\": {<arguments matching its parameters>}}}]}\n" +
            "to call one tool (only the first call is made; you see its result next), or\n" +
            "{\"content\": \"<final answer>\"}\n" +
            "when the task is done. Use only the tools listed.";
        var messages = new List<GenerateMessage> { new("system", system), new("user", goal) };
        foreach (var step in steps.Where(s => s.Input is not null))
        {
            messages.Add(new GenerateMessage("assistant", new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"call_{step.Index}",
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = step.Tool, ["arguments"] = step.Input!.Value.GetRawText() },
                }),
            }.ToJsonString()));
            var result = step.Output is { } output ? output.GetRawText() : $"error ({step.Error?.Kind}): {step.Error?.Detail}";
            if (result.Length > maxOutputCharacters)
            {
                result = result[..maxOutputCharacters] + $"… (cut: {result.Length} characters in all)";
            }

            messages.Add(new GenerateMessage("user", $"Result of call_{step.Index} ({step.Tool}): {result}"));
        }

        return messages;
    }
}

/// <summary>The planner's answer: a tool call, a final answer, or why it could not be read.</summary>
public sealed record PlannerAnswer(string? Tool, JsonElement? Arguments, string? Content, string? Error)
{
    public static PlannerAnswer Read(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = trimmed.IndexOf('\n');
            var fence = trimmed.LastIndexOf("```", StringComparison.Ordinal);
            trimmed = firstLine > 0 && fence > firstLine ? trimmed[(firstLine + 1)..fence].Trim() : trimmed;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(trimmed);
        }
        catch (JsonException)
        {
            return new PlannerAnswer(null, null, null, $"the planner's answer is not JSON: {Cut(text)}");
        }

        if (root is not JsonObject answer)
        {
            return new PlannerAnswer(null, null, null, $"the planner's answer is not a JSON object: {Cut(text)}");
        }

        if (answer["tool_calls"] is JsonArray { Count: > 0 } calls)
        {
            var function = calls[0]?["function"];
            var name = function?["name"]?.GetValue<string>();
            var arguments = function?["arguments"];
            if (arguments is JsonValue value && value.TryGetValue<string>(out var argumentText))
            {
                try
                {
                    arguments = JsonNode.Parse(argumentText);
                }
                catch (JsonException)
                {
                    return new PlannerAnswer(null, null, null, $"the planner's tool arguments are not JSON: {Cut(argumentText)}");
                }
            }

            if (string.IsNullOrEmpty(name) || arguments is not JsonObject)
            {
                return new PlannerAnswer(null, null, null, $"the planner's tool call has no name or no argument object: {Cut(text)}");
            }

            return new PlannerAnswer(name, JsonSerializer.SerializeToElement(arguments), null, null);
        }

        if (answer["content"] is JsonValue content && content.TryGetValue<string>(out var final) && !string.IsNullOrWhiteSpace(final))
        {
            return new PlannerAnswer(null, null, final, null);
        }

        return new PlannerAnswer(null, null, null, $"the planner answered neither a tool call nor a final answer: {Cut(text)}");
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
