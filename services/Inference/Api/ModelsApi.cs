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

    public static void MapModelsApi(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/v1/models").WithTags("Models").RequireAuthorization(PlatformPolicies.Account);
        models.MapGet("/", (ModelRepository repository, OnnxModels onnx) => TypedResults.Ok(new ModelList([.. repository.All.Select(m => Describe(m, onnx))])));
        models.MapGet("/{id}", GetModel);
    }

    private static Results<Ok<ModelInfo>, ProblemHttpResult> GetModel(string id, ModelRepository repository, OnnxModels onnx) =>
        repository.Find(id) is { } entry
            ? TypedResults.Ok(Describe(entry, onnx))
            : Problems.Status(
                StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The model was not found.", $"No model '{id}' is in the model repository.");

    /// <summary>
    /// An ONNX model whose manifest is valid but whose session did not load is listed as
    /// <c>failed</c> with the reason; a loaded one names the provider it actually runs on (cpu after a
    /// CUDA fallback).
    /// </summary>
    private static ModelInfo Describe(ModelEntry entry, OnnxModels onnx)
    {
        var model = entry.Model;
        var loaded = model is { RunsOnnx: true } ? onnx.Find(entry.Id) : null;
        var failure = model is { RunsOnnx: true } && loaded is null ? onnx.FailureOf(entry.Id) : null;
        return new ModelInfo(
            entry.Id,
            entry.Created.ToUnixTimeSeconds(),
            model?.Kind,
            failure is null ? entry.State : ModelState.Failed,
            failure ?? entry.Reason,
            loaded?.Model.Provider,
            model?.Dimensions,
            model?.MaxSequenceLength,
            model?.MaxBatchSize,
            model?.Pooling,
            model is { PriceKeys.Count: > 0 } ? model.PriceKeys : null);
    }
}
