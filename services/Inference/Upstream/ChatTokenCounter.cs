using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Inference.Tokenizers.Bpe;

namespace Platform.Inference.Upstream;

/// <summary>
/// Counts tokens with GPT-2's BPE when an upstream does not report usage. The rule (an estimate: the
/// upstream's own tokenizer may differ) follows OpenAI's published way of counting chat prompts:
/// per message 3 tokens plus the tokens of its role, its text, its name (+1) and its tool calls'
/// JSON and tool_call_id; 3 more prime the reply; the tools' JSON is counted when present. Text is
/// a string content or the <c>text</c> of its <c>text</c> parts (images are not counted). A completion
/// counts the text and the tool calls' names and arguments of every choice.
/// </summary>
public sealed class ChatTokenCounter(Gpt2Tokenizer tokenizer)
{
    public const int TokensPerMessage = 3;
    public const int TokensPerName = 1;
    public const int ReplyPrimingTokens = 3;

    public long CountPrompt(JsonArray messages, JsonNode? tools)
    {
        long count = ReplyPrimingTokens;
        foreach (var message in messages.OfType<JsonObject>())
        {
            count += TokensPerMessage + Count(Text(message["role"])) + Count(ContentText(message["content"]));
            if (Text(message["name"]) is { } name)
            {
                count += TokensPerName + Count(name);
            }

            if (message["tool_calls"] is JsonArray toolCalls)
            {
                count += Count(toolCalls.ToJsonString());
            }

            count += Count(Text(message["tool_call_id"]));
        }

        if (tools is JsonArray { Count: > 0 })
        {
            count += Count(tools.ToJsonString());
        }

        return count;
    }

    /// <summary>The completion tokens of a whole answer (<c>choices[].message</c>).</summary>
    public long CountCompletion(JsonObject answer)
    {
        long count = 0;
        if (answer["choices"] is JsonArray choices)
        {
            foreach (var choice in choices.OfType<JsonObject>())
            {
                if (choice["message"] is JsonObject message)
                {
                    count += Count(ContentText(message["content"]));
                    count += ToolCallTokens(message["tool_calls"]);
                }
            }
        }

        return count;
    }

    public long Count(string? text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.CountTokens(text);

    private long ToolCallTokens(JsonNode? toolCalls)
    {
        long count = 0;
        if (toolCalls is JsonArray calls)
        {
            foreach (var call in calls.OfType<JsonObject>())
            {
                if (call["function"] is JsonObject function)
                {
                    count += Count(Text(function["name"])) + Count(Text(function["arguments"]));
                }
            }
        }

        return count;
    }

    /// <summary>A string content, or the text parts of an array content joined by newlines.</summary>
    public static string? ContentText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Join("\n", parts.OfType<JsonObject>()
            .Where(p => Text(p["type"]) == "text")
            .Select(p => Text(p["text"]))
            .OfType<string>()),
        _ => null,
    };

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
