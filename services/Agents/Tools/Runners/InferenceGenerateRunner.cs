using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Inference;

namespace Platform.Agents.Tools.Runners;

/// <summary>
/// <c>inference.generate</c>: Inference's Generate over the bus (its upstream chat routes). Inference does not
/// meter bus requests; the tokens are metered here, against the run's reservation. An empty answer is a failure.
/// </summary>
public sealed class InferenceGenerateRunner(IScopedClientFactory clients, IOptions<ToolOptions> options) : IToolRunner
{
    public bool Runs(ToolDefinition tool) => tool.BuiltIn && tool.Name == BuiltInTools.InferenceGenerate;

    public async Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var input = call.Input;
        var model = input.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : options.Value.DefaultChatModel;
        if (string.IsNullOrEmpty(model))
        {
            return ToolResult.Permanent("no model was given and Agents:Tools:DefaultChatModel is not set");
        }

        var messages = new List<GenerateMessage>();
        if (input.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String)
        {
            messages.Add(new GenerateMessage("system", system.GetString()!));
        }

        messages.Add(new GenerateMessage("user", input.GetProperty("prompt").GetString()!));
        var maxTokens = input.TryGetProperty("maxTokens", out var t) && t.ValueKind == JsonValueKind.Number ? (int)t.GetDouble() : 512;
        var temperature = input.TryGetProperty("temperature", out var temp) && temp.ValueKind == JsonValueKind.Number ? temp.GetDouble() : 0;
        var result = await GenerateAsync(clients, new Generate(call.AccountId, model, messages, maxTokens, temperature, call.RunId.ToString()),
            call.Tool.TimeoutSeconds, cancellationToken);
        if (result.Generated is not { } generated)
        {
            return result.Failure!;
        }

        var usage = new ToolUsage("generation", generated.Model, generated.InputTokens, generated.OutputTokens, 1);
        if (string.IsNullOrWhiteSpace(generated.Content))
        {
            return ToolResult.Permanent($"model '{generated.Model}' answered no text (finish reason {generated.FinishReason ?? "none"})", usage);
        }

        return ToolResult.Success(new JsonObject
        {
            ["text"] = generated.Content,
            ["model"] = generated.Model,
            ["finishReason"] = generated.FinishReason,
            ["inputTokens"] = generated.InputTokens,
            ["outputTokens"] = generated.OutputTokens,
        }, usage);
    }

    /// <summary>One Generate request: the answer, or the typed failure (also used by the LLM planner).</summary>
    public static async Task<(Generated? Generated, ToolResult? Failure)> GenerateAsync(
        IScopedClientFactory clients, Generate request, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var client = clients.CreateRequestClient<Generate>();
        var (response, failure) = await BusRequest.SendAsync("Inference", "the generation", TimeSpan.FromSeconds(timeoutSeconds),
            timeout => client.GetResponse<Generated, GenerationFailed>(request, cancellationToken, timeout));
        if (failure is not null)
        {
            return (null, failure);
        }

        if (response.Is(out Response<GenerationFailed>? failed))
        {
            var detail = $"Inference could not generate ({failed.Message.Reason}): {failed.Message.Detail}";
            return (null, failed.Message.Reason is GenerationFailureReasons.UpstreamFailed or GenerationFailureReasons.UpstreamTimeout
                ? ToolResult.Transient(detail)
                : ToolResult.Permanent(detail));
        }

        response.Is(out Response<Generated>? generated);
        return (generated!.Message, null);
    }
}
