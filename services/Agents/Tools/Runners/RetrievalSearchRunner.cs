using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Platform.Contracts.Ingest;
using Platform.Contracts.Retrieval;

namespace Platform.Agents.Tools.Runners;

/// <summary><c>retrieval.search</c>: Retrieval's SearchChunks over the bus, always for the run's own account.</summary>
public sealed class RetrievalSearchRunner(IScopedClientFactory clients) : IToolRunner
{
    public bool Runs(ToolDefinition tool) => tool.BuiltIn && tool.Name == BuiltInTools.RetrievalSearch;

    public async Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var input = call.Input;
        var query = input.GetProperty("query").GetString()!;
        var collection = input.TryGetProperty("collection", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : IngestCollections.Default;
        var topK = input.TryGetProperty("topK", out var k) && k.ValueKind == JsonValueKind.Number ? (int)k.GetDouble() : 5;
        var client = clients.CreateRequestClient<SearchChunks>();
        var (response, failure) = await BusRequest.SendAsync("Retrieval", "the search", TimeSpan.FromSeconds(call.Tool.TimeoutSeconds),
            timeout => client.GetResponse<ChunksFound, SearchRejected>(new SearchChunks(call.AccountId, collection, query, topK), cancellationToken, timeout));
        if (failure is not null)
        {
            return failure;
        }

        if (response.Is(out Response<SearchRejected>? rejected))
        {
            var detail = $"Retrieval refused the search ({rejected.Message.Reason}): {rejected.Message.Detail}";
            return rejected.Message.Reason == SearchRejectionReasons.Unavailable
                ? ToolResult.Transient(detail, ToolUsage.OneCall)
                : ToolResult.Permanent(detail, ToolUsage.OneCall);
        }

        response.Is(out Response<ChunksFound>? found);
        var chunks = new JsonArray();
        foreach (var chunk in found!.Message.Chunks)
        {
            chunks.Add(new JsonObject
            {
                ["id"] = chunk.Id,
                ["score"] = chunk.Score,
                ["documentId"] = chunk.DocumentId,
                ["tags"] = new JsonArray([.. chunk.Tags.Select(t => (JsonNode?)JsonValue.Create(t))]),
                ["text"] = chunk.Text,
            });
        }

        return ToolResult.Success(new JsonObject
        {
            ["collection"] = found.Message.Collection,
            ["mode"] = found.Message.Mode,
            ["chunks"] = chunks,
        }, ToolUsage.OneCall);
    }
}
