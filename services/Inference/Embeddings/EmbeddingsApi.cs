using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Platform.Contracts.Billing;
using Platform.Inference.Api;
using Platform.Inference.Models;
using Platform.Inference.Usage;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Embeddings;

/// <summary>
/// <c>POST /v1/embeddings</c> in OpenAI's request and response shape, over the model's dynamic
/// batcher. Inputs cut to the model's maximum length (Inference:Truncation=truncate) are counted in
/// <c>usage.truncated_inputs</c> and the <c>x-platform-truncated-inputs</c> header; with
/// Inference:Truncation=error they are a 400. Usage goes to Billing (kind <c>embedding</c>) through
/// the usage outbox, committed before the answer goes out.
/// </summary>
public static class EmbeddingsApi
{
    public const string TruncatedHeader = "x-platform-truncated-inputs";
    public const string UsageKind = "embedding";

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

    private static async Task<IResult> CreateAsync(HttpContext context, ClaimsPrincipal user, OnnxInference inference, UsageOutbox usage)
    {
        var (document, problem) = await JsonBody.ReadAsync(context);
        if (problem is not null)
        {
            return problem;
        }

        EmbeddingRequest? request;
        var errors = new Validator();
        using (document)
        {
            request = EmbeddingRequestReader.Read(document!.RootElement, inference.Options.MaxInputs, errors);
        }

        if (request is null)
        {
            return errors.ToProblem();
        }

        float[][] vectors;
        TokenizedInputs inputs;
        try
        {
            var batcher = inference.Resolve(request.Model, ModelKind.Embedding);
            var dimensions = batcher.Model.Descriptor.Dimensions!.Value;
            if (request.Dimensions is { } asked && asked != dimensions)
            {
                // The model has one output size; shortening would need a Matryoshka-trained model.
                return Problems.Validation("dimensions", $"model '{request.Model}' produces {dimensions} dimensions only");
            }

            inputs = inference.Tokenize(batcher.Model, request.Inputs, "input");
            vectors = await inference.RunAsync(batcher, inputs, context.RequestAborted);
        }
        catch (InferenceFailure failure)
        {
            return InferenceProblems.From(failure, context);
        }

        try
        {
            // Billed before answered: a crash after this line still bills the request (the outbox relays it on restart).
            await usage.RecordAsync(
                new RecordUsage($"embed:{Guid.NewGuid():N}", user.GetAccountId(), UsageKind, request.Model, null, 0, 0, inputs.PromptTokens, 0, 0),
                mergeable: true,
                context.RequestAborted);
        }
        catch (UsageUnavailableException exception)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, ProblemTypes.DependencyUnavailable,
                "Usage could not be recorded.", exception.Message + " Nothing was charged; retry shortly.");
        }

        await WriteAsync(context, request, vectors, inputs);
        return Results.Empty;
    }

    /// <summary>
    /// Writes OpenAI's response straight into the response pipe with one <see cref="Utf8JsonWriter"/>:
    /// no response objects, no reflection, floats formatted once (shortest round-trip form), base64
    /// encoded from the vector's bytes without an intermediate string.
    /// </summary>
    private static async Task WriteAsync(HttpContext context, EmbeddingRequest request, float[][] vectors, TokenizedInputs inputs)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[TruncatedHeader] = inputs.TruncatedIndexes.Count.ToString(CultureInfo.InvariantCulture);
        await using (var json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString("object"u8, "list"u8);
            json.WriteStartArray("data"u8);
            for (var i = 0; i < vectors.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("object"u8, "embedding"u8);
                json.WriteNumber("index"u8, i);
                if (request.Base64)
                {
                    // Little-endian float32, as OpenAI's clients decode it.
                    json.WriteBase64String("embedding"u8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors[i].AsSpan()));
                }
                else
                {
                    json.WriteStartArray("embedding"u8);
                    foreach (var value in vectors[i])
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
                if (json.BytesPending > 16 * 1024)
                {
                    await json.FlushAsync(context.RequestAborted);
                }
            }

            json.WriteEndArray();
            json.WriteString("model"u8, request.Model);
            json.WriteStartObject("usage"u8);
            json.WriteNumber("prompt_tokens"u8, inputs.PromptTokens);
            json.WriteNumber("total_tokens"u8, inputs.PromptTokens);
            json.WriteNumber("truncated_inputs"u8, inputs.TruncatedIndexes.Count);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>For the OpenAPI document only: the body is read as JSON so every type error is reported by field.</summary>
    public sealed record EmbeddingRequestDocumentation(object Input, string Model, string? EncodingFormat, int? Dimensions, string? User);
}
