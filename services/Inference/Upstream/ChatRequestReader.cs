using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Upstream;

/// <summary>
/// Checks a chat completion body against OpenAI's request shape: the fields the platform relies on
/// (model, messages) and the types and ranges of the common parameters, all errors at once, keyed by
/// JSON path (<c>messages[2].role</c>). Fields it does not know are left for the upstream.
/// </summary>
public static class ChatRequestReader
{
    public const int MaxModelLength = 256;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool", "function" };

    public static ChatRequest? Read(JsonNode? root, int maxMessages, Validator errors)
    {
        if (root is not JsonObject body)
        {
            errors.Add("body", "must be a JSON object");
            return null;
        }

        var model = String(body, "model", errors, required: true);
        if (model is { Length: > MaxModelLength })
        {
            errors.Add("model", $"must be at most {MaxModelLength} characters");
        }

        Messages(body["messages"], maxMessages, errors);

        var stream = Boolean(body, "stream", errors) ?? false;
        var includeUsage = false;
        if (body.TryGetPropertyValue("stream_options", out var streamOptions) && streamOptions is not null)
        {
            if (streamOptions is not JsonObject options)
            {
                errors.Add("stream_options", "must be an object");
            }
            else
            {
                includeUsage = Boolean(options, "include_usage", errors, "stream_options.") ?? false;
            }
        }

        Number(body, "temperature", 0, 2, errors);
        Number(body, "top_p", 0, 1, errors);
        Number(body, "presence_penalty", -2, 2, errors);
        Number(body, "frequency_penalty", -2, 2, errors);
        Integer(body, "max_tokens", 1, int.MaxValue, errors);
        Integer(body, "max_completion_tokens", 1, int.MaxValue, errors);
        Integer(body, "n", 1, 128, errors);
        Integer(body, "seed", long.MinValue, long.MaxValue, errors);
        String(body, "user", errors, required: false);
        Stop(body, errors);
        Tools(body, errors);

        if (body.TryGetPropertyValue("tool_choice", out var toolChoice) && toolChoice is not null
            && toolChoice.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Object))
        {
            errors.Add("tool_choice", "must be a string or an object");
        }

        return errors.IsValid ? new ChatRequest(body, model!, stream, includeUsage) : null;
    }

    private static void Messages(JsonNode? node, int maxMessages, Validator errors)
    {
        if (node is null)
        {
            errors.Add("messages", "is required: a non-empty array of messages");
            return;
        }

        if (node is not JsonArray messages)
        {
            errors.Add("messages", "must be an array of messages");
            return;
        }

        if (messages.Count == 0 || messages.Count > maxMessages)
        {
            errors.Add("messages", $"must hold 1 to {maxMessages} messages");
            return;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var field = $"messages[{i}]";
            if (messages[i] is not JsonObject message)
            {
                errors.Add(field, "must be an object with role and content");
                continue;
            }

            var role = String(message, "role", errors, required: true, field + ".");
            if (role is not null && !Roles.Contains(role))
            {
                errors.Add(field + ".role", $"must be one of {string.Join(", ", Roles)}");
            }

            var hasContent = message.TryGetPropertyValue("content", out var content) && content is not null;
            if (hasContent && content!.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Array))
            {
                errors.Add(field + ".content", "must be a string or an array of content parts");
            }
            else if (content is JsonArray parts)
            {
                for (var p = 0; p < parts.Count; p++)
                {
                    if (parts[p] is not JsonObject part || part["type"]?.GetValueKind() != JsonValueKind.String)
                    {
                        errors.Add($"{field}.content[{p}]", "must be an object with a string 'type'");
                    }
                }
            }

            var hasToolCalls = message["tool_calls"] is JsonArray { Count: > 0 };
            if (message.TryGetPropertyValue("tool_calls", out var toolCalls) && toolCalls is not null && toolCalls is not JsonArray)
            {
                errors.Add(field + ".tool_calls", "must be an array");
            }

            // An assistant turn may be tool calls alone; every other turn says something.
            if (!hasContent && !(role == "assistant" && hasToolCalls))
            {
                errors.Add(field + ".content", role == "assistant" ? "is required unless the message has tool_calls" : "is required");
            }

            if (role == "tool")
            {
                String(message, "tool_call_id", errors, required: true, field + ".");
            }

            String(message, "name", errors, required: false, field + ".");
        }
    }

    private static void Stop(JsonObject body, Validator errors)
    {
        if (!body.TryGetPropertyValue("stop", out var stop) || stop is null)
        {
            return;
        }

        var valid = stop.GetValueKind() == JsonValueKind.String
            || (stop is JsonArray list && list.Count <= 4 && list.All(s => s?.GetValueKind() == JsonValueKind.String));
        if (!valid)
        {
            errors.Add("stop", "must be a string or an array of up to 4 strings");
        }
    }

    private static void Tools(JsonObject body, Validator errors)
    {
        if (!body.TryGetPropertyValue("tools", out var node) || node is null)
        {
            return;
        }

        if (node is not JsonArray tools)
        {
            errors.Add("tools", "must be an array of tools");
            return;
        }

        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not JsonObject tool || tool["type"]?.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"tools[{i}]", "must be an object with a string 'type' (e.g. \"function\")");
            }
        }
    }

    private static string? String(JsonObject body, string name, Validator errors, bool required, string prefix = "")
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (required)
            {
                errors.Add(prefix + name, "is required");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(prefix + name, "must be a string");
            return null;
        }

        var value = node.GetValue<string>();
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(prefix + name, "must not be blank");
            return null;
        }

        return value;
    }

    private static bool? Boolean(JsonObject body, string name, Validator errors, string prefix = "")
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(prefix + name, "must be true or false");
            return null;
        }

        return node.GetValue<bool>();
    }

    private static void Number(JsonObject body, string name, double min, double max, Validator errors)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<double>(out var value) || value < min || value > max)
        {
            errors.Add(name, $"must be a number from {min} to {max}");
        }
    }

    private static void Integer(JsonObject body, string name, long min, long max, Validator errors)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var value) || value < min || value > max)
        {
            errors.Add(name, min == long.MinValue ? "must be a whole number" : $"must be a whole number from {min} to {max}");
        }
    }
}
