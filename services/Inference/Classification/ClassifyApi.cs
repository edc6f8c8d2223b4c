using System.Globalization;
using System.Security.Claims;
using Platform.Contracts.Billing;
using System.Text.Json.Serialization;
using Platform.Contracts.Inference;
using Platform.Inference.Api;
using Platform.Inference.Embeddings;
using Platform.Inference.Models;
using Platform.Inference.Usage;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Classification;

/// <summary>
/// <c>POST /v1/classify</c>: <c>{model, input}</c> (input as for embeddings) with a classifier-kind
/// model; answers every label's probability per input, best first. A model that is not in the
/// repository is a 404, an embedding model a 400. Truncation is reported as for embeddings. Usage
/// (kind <c>classification</c>, input tokens) is committed to the outbox before the answer, as for embeddings.
/// </summary>
public static class ClassifyApi
{
    public sealed record ClassifyResponse(
        [property: JsonPropertyName("object")] string Object,
        [property: JsonPropertyName("data")] IReadOnlyList<ClassifyData> Data,
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("usage")] EmbeddingUsage Usage);

    public sealed record ClassifyData(
        [property: JsonPropertyName("object")] string Object,
        [property: JsonPropertyName("index")] int Index,
        [property: JsonPropertyName("label")] string Label,
        [property: JsonPropertyName("scores")] IReadOnlyList<LabelScoreData> Scores);

    public sealed record LabelScoreData([property: JsonPropertyName("label")] string Label, [property: JsonPropertyName("score")] float Score);

    public static void MapClassifyApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/v1/classify", CreateAsync)
            .WithTags("Classification")
            .RequireAuthorization(PlatformPolicies.Account)
            .Produces<ClassifyResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public const string UsageKind = "classification";

    private static async Task<IResult> CreateAsync(HttpContext context, ClaimsPrincipal user, OnnxInference inference, UsageOutbox usage)
    {
        var (document, problem) = await JsonBody.ReadAsync(context);
        if (problem is not null)
        {
            return problem;
        }

        using var body = document!;
        var errors = new Validator();
        var request = EmbeddingRequestReader.Read(body.RootElement, inference.Options.MaxInputs, errors);
        if (request is null)
        {
            return errors.ToProblem();
        }

        if (request.Base64 || request.Dimensions is not null)
        {
            return Problems.Validation(request.Base64 ? "encoding_format" : "dimensions", "does not apply to classification");
        }

        try
        {
            var batcher = inference.Resolve(request.Model, ModelKind.Classifier);
            var inputs = inference.Tokenize(batcher.Model, request.Inputs, "input");
            var logits = await inference.RunAsync(batcher, inputs, context.RequestAborted);
            try
            {
                // Billed before answered, as embeddings (input tokens of the classifier model).
                await usage.RecordAsync(
                    new RecordUsage($"classify:{Guid.NewGuid():N}", user.GetAccountId(), UsageKind, request.Model, null, inputs.PromptTokens, 0, 0, 0, 0),
                    mergeable: true,
                    context.RequestAborted);
            }
            catch (UsageUnavailableException exception)
            {
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, ProblemTypes.DependencyUnavailable,
                    "Usage could not be recorded.", exception.Message + " Nothing was charged; retry shortly.");
            }

            context.Response.Headers[EmbeddingsApi.TruncatedHeader] = inputs.TruncatedIndexes.Count.ToString(CultureInfo.InvariantCulture);
            var data = logits.Select((row, i) =>
            {
                var scores = OnnxInference.Scores(row, batcher.Model.Descriptor.Labels);
                return new ClassifyData("classification", i, scores[0].Label, [.. scores.Select(s => new LabelScoreData(s.Label, s.Score))]);
            }).ToArray();
            return TypedResults.Ok(new ClassifyResponse(
                "list", data, request.Model, new EmbeddingUsage(inputs.PromptTokens, inputs.PromptTokens, inputs.TruncatedIndexes.Count)));
        }
        catch (InferenceFailure failure)
        {
            return InferenceProblems.From(failure, context);
        }
    }
}
