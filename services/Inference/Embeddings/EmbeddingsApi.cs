using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using Platform.Inference.Api;
using Platform.Inference.Models;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Embeddings;

/// <summary>
/// <c>POST /v1/embeddings</c> in OpenAI's request and response shape, over the model's dynamic
/// batcher. Inputs cut to the model's maximum length (Inference:Truncation=truncate) are counted in
/// <c>usage.truncated_inputs</c> and the <c>x-platform-truncated-inputs</c> header; with
/// Inference:Truncation=error they are a 400. Usage goes to Billing (kind <c>embedding</c>).
/// </summary>
public static class EmbeddingsApi
{
    public const string TruncatedHeader = "x-platform-truncated-inputs";

    public static void MapEmbeddingsApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/v1/embeddings", CreateAsync)
            .WithTags("Embeddings")
            .RequireAuthorization(PlatformPolicies.Account)
            .Accepts<EmbeddingRequestDocumentation>("application/json")
            .Produces<EmbeddingResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> CreateAsync(HttpContext context, ClaimsPrincipal user, OnnxInference inference, EmbeddingUsageReporter usage)
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

        try
        {
            var batcher = inference.Resolve(request.Model, ModelKind.Embedding);
            var dimensions = batcher.Model.Descriptor.Dimensions!.Value;
            if (request.Dimensions is { } asked && asked != dimensions)
            {
                // The model has one output size; shortening would need a Matryoshka-trained model.
                return Problems.Validation("dimensions", $"model '{request.Model}' produces {dimensions} dimensions only");
            }

            var inputs = inference.Tokenize(batcher.Model, request.Inputs, "input");
            var vectors = await inference.RunAsync(batcher, inputs, context.RequestAborted);
            usage.Report(user.GetAccountId(), request.Model, inputs.PromptTokens);
            context.Response.Headers[TruncatedHeader] = inputs.TruncatedIndexes.Count.ToString(CultureInfo.InvariantCulture);
            var data = new EmbeddingData[vectors.Length];
            for (var i = 0; i < vectors.Length; i++)
            {
                object embedding = request.Base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vectors[i].AsSpan())) : vectors[i];
                data[i] = new EmbeddingData("embedding", i, embedding);
            }

            return TypedResults.Ok(new EmbeddingResponse(
                "list", data, request.Model, new EmbeddingUsage(inputs.PromptTokens, inputs.PromptTokens, inputs.TruncatedIndexes.Count)));
        }
        catch (InferenceFailure failure)
        {
            return InferenceProblems.From(failure, context);
        }
    }

    /// <summary>For the OpenAPI document only: the body is read as JSON so every type error is reported by field.</summary>
    public sealed record EmbeddingRequestDocumentation(object Input, string Model, string? EncodingFormat, int? Dimensions, string? User);
}
