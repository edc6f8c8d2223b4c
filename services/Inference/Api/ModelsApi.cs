using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Inference.Models;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Api;

/// <summary>The model repository in OpenAI's list shape (so OpenAI clients can list models), plus the platform's fields.</summary>
public static class ModelsApi
{
    public sealed record ModelInfo(
        string Id,
        long Created,
        ModelKind? Kind,
        ModelState State,
        string? Reason,
        string? ExecutionProvider,
        int? Dimensions,
        int? MaxSequenceLength,
        int? MaxBatchSize,
        string? Pooling,
        IReadOnlyDictionary<string, string>? PriceKeys)
    {
        [JsonPropertyOrder(-1)]
        public string Object => "model";

        [JsonPropertyName("owned_by")]
        [JsonPropertyOrder(-1)]
        public string OwnedBy => "platform";
    }

    public sealed record ModelList(IReadOnlyList<ModelInfo> Data)
    {
        [JsonPropertyOrder(-1)]
        public string Object => "list";
    }

    /// <summary>ONNX sessions run on the CPU provider until GPU providers are wired in.</summary>
    public const string CpuProvider = "cpu";

    public static void MapModelsApi(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/v1/models").WithTags("Models").RequireAuthorization(PlatformPolicies.Account);
        models.MapGet("/", (ModelRepository repository) => TypedResults.Ok(new ModelList([.. repository.All.Select(Describe)])));
        models.MapGet("/{id}", GetModel);
    }

    private static Results<Ok<ModelInfo>, ProblemHttpResult> GetModel(string id, ModelRepository repository) =>
        repository.Find(id) is { } entry
            ? TypedResults.Ok(Describe(entry))
            : Problems.Status(
                StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The model was not found.", $"No model '{id}' is in the model repository.");

    private static ModelInfo Describe(ModelEntry entry)
    {
        var model = entry.Model;
        return new ModelInfo(
            entry.Id,
            entry.Created.ToUnixTimeSeconds(),
            model?.Kind,
            entry.State,
            entry.Reason,
            model is { RunsOnnx: true } ? CpuProvider : null,
            model?.Dimensions,
            model?.MaxSequenceLength,
            model?.MaxBatchSize,
            model?.Pooling,
            model is { PriceKeys.Count: > 0 } ? model.PriceKeys : null);
    }
}
