using System.Text.Json.Nodes;
using MassTransit;
using Platform.Contracts.Inference;

namespace Platform.Agents.Tools.Runners;

/// <summary><c>inference.classify</c>: Inference's Classify over the bus; metered as the model's input tokens.</summary>
public sealed class InferenceClassifyRunner(IScopedClientFactory clients) : IToolRunner
{
    public bool Runs(ToolDefinition tool) => tool.BuiltIn && tool.Name == BuiltInTools.InferenceClassify;

    public async Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var text = call.Input.GetProperty("text").GetString()!;
        var model = call.Input.GetProperty("model").GetString()!;
        var client = clients.CreateRequestClient<Classify>();
        var (response, failure) = await BusRequest.SendAsync("Inference", "the classification", TimeSpan.FromSeconds(call.Tool.TimeoutSeconds),
            timeout => client.GetResponse<Classified, InferenceRejected>(new Classify([text], model), cancellationToken, timeout));
        if (failure is not null)
        {
            return failure;
        }

        if (response.Is(out Response<InferenceRejected>? rejected))
        {
            var detail = $"Inference refused the classification ({rejected.Message.Reason}): {rejected.Message.Detail}";
            return rejected.Message.Reason is InferenceRejectionReasons.Overloaded or InferenceRejectionReasons.DeadlineExceeded or InferenceRejectionReasons.Unavailable
                ? ToolResult.Transient(detail)
                : ToolResult.Permanent(detail);
        }

        response.Is(out Response<Classified>? classified);
        var scores = classified!.Message.Results.FirstOrDefault();
        var usage = new ToolUsage("classification", classified.Message.Model, classified.Message.PromptTokens, 0, 1);
        if (scores is null || scores.Count == 0)
        {
            return ToolResult.Permanent($"Inference answered no labels for model '{model}'", usage);
        }

        return ToolResult.Success(new JsonObject
        {
            ["model"] = classified.Message.Model,
            ["label"] = scores[0].Label,
            ["score"] = scores[0].Score,
            ["labels"] = new JsonArray([.. scores.Select(s => (JsonNode?)new JsonObject { ["label"] = s.Label, ["score"] = s.Score })]),
            ["truncated"] = classified.Message.TruncatedInputs > 0,
        }, usage);
    }
}
