using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Upstream;

/// <summary>
/// <c>POST /v1/chat/completions</c> in OpenAI's shape, proxied to the upstream routes that serve the
/// model. The body is read as JSON (not bound to a record) so fields the platform does not know
/// reach the upstream unchanged; the answer (or stream) is the upstream's, plus <c>usage</c> when it
/// gave none. Which route and model answered is in the <c>x-platform-route</c> / <c>x-platform-model</c> headers.
/// </summary>
public static class ChatCompletionsApi
{
    public const string RouteHeader = "x-platform-route";
    public const string ModelHeader = "x-platform-model";
    public const string UsageSourceHeader = "x-platform-usage-source";

    public static void MapChatCompletionsApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/v1/chat/completions", CreateAsync)
            .WithTags("Chat")
            .RequireAuthorization(PlatformPolicies.Account)
            .Accepts<JsonObject>("application/json")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        ClaimsPrincipal user,
        UpstreamRouter router,
        ChatCompletionService service,
        ChatStreamRelay relay,
        IOptions<UpstreamOptions> options)
    {
        if (!context.Request.HasJsonContentType())
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The request body has an unsupported content type.", "Send the request as 'Content-Type: application/json'.");
        }

        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(context.Request.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            var field = exception.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
            var message = exception.Message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0];
            return Problems.Status(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "The request could not be read.",
                $"The body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}): {message}",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = ["is not valid JSON"] } });
        }

        var errors = new Validator();
        var request = ChatRequestReader.Read(root, options.Value.MaxMessages, errors);
        if (request is null)
        {
            return errors.ToProblem();
        }

        if (router.Routes.Count == 0)
        {
            return UpstreamProblems.NotConfigured();
        }

        if (router.Find(request.Model) is not { } plan)
        {
            return UpstreamProblems.UnknownModel(request.Model, router.ModelNames);
        }

        var accountId = user.GetAccountId();
        if (request.Stream)
        {
            UpstreamStream upstream;
            string model;
            try
            {
                (upstream, model) = await service.OpenStreamAsync(request, plan, context.RequestAborted);
            }
            catch (UpstreamFailureException failure)
            {
                return UpstreamProblems.From(failure);
            }

            using (upstream)
            {
                await relay.RelayAsync(context, request, upstream, model, accountId);
            }

            return Results.Empty;
        }

        try
        {
            var answer = await service.CompleteAsync(request, plan, accountId, reportUsage: true, runId: null, context.RequestAborted);
            context.Response.Headers[RouteHeader] = answer.Route;
            context.Response.Headers[ModelHeader] = answer.Model;
            context.Response.Headers[UsageSourceHeader] = answer.Usage.Source;
            return Results.Text(answer.Body.ToJsonString(), "application/json", System.Text.Encoding.UTF8);
        }
        catch (UpstreamFailureException failure)
        {
            return UpstreamProblems.From(failure);
        }
    }
}
