using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Inference;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Upstream;

/// <summary>
/// Generate → Generated | GenerationFailed: the same plan, retries, fallbacks and cascade as
/// <c>/v1/chat/completions</c>, not streamed, without reporting usage (see <see cref="Generate"/>).
/// Failures are answers, not faults, so a requester can tell "invalid" from "upstream down".
/// </summary>
public sealed class GenerateConsumer(UpstreamRouter router, ChatCompletionService service, IOptions<UpstreamOptions> options) : IConsumer<Generate>
{
    public async Task Consume(ConsumeContext<Generate> context)
    {
        var message = context.Message;
        var messages = new JsonArray();
        foreach (var m in message.Messages ?? [])
        {
            messages.Add(new JsonObject { ["role"] = m.Role, ["content"] = m.Content });
        }

        var body = new JsonObject { ["model"] = message.Model, ["messages"] = messages };
        if (message.MaxTokens is { } maxTokens)
        {
            body["max_tokens"] = maxTokens;
        }

        if (message.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }

        // Read back from text, exactly as an HTTP body is, so both paths see the same JSON values.
        var errors = new Validator();
        if (ChatRequestReader.Read(JsonNode.Parse(body.ToJsonString()), options.Value.MaxMessages, errors) is not { } request)
        {
            var detail = errors.ToProblem().ProblemDetails.Detail ?? "The request is not valid.";
            await context.RespondAsync(new GenerationFailed(message.Model ?? "", GenerationFailureReasons.Invalid, detail));
            return;
        }

        if (router.Find(request.Model) is not { } plan)
        {
            await context.RespondAsync(new GenerationFailed(request.Model, GenerationFailureReasons.UnknownModel,
                router.Routes.Count == 0 ? "No upstream LLM server is configured." : $"No upstream route serves model '{request.Model}'."));
            return;
        }

        try
        {
            var answer = await service.CompleteAsync(request, plan, message.AccountId, reportUsage: false, message.RunId, context.CancellationToken);
            var choice = (answer.Body["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
            await context.RespondAsync(new Generated(
                answer.Model,
                answer.Route,
                ChatTokenCounter.ContentText(choice?["message"]?["content"]) ?? "",
                ChatTokenCounter.Text(choice?["finish_reason"]),
                answer.Usage.PromptTokens,
                answer.Usage.CompletionTokens,
                answer.Usage.Counted));
        }
        catch (UpstreamFailureException failure)
        {
            var reason = failure.Kind switch
            {
                UpstreamFailureKind.Timeout => GenerationFailureReasons.UpstreamTimeout,
                UpstreamFailureKind.Rejected => GenerationFailureReasons.UpstreamRejected,
                _ => GenerationFailureReasons.UpstreamFailed,
            };
            await context.RespondAsync(new GenerationFailed(request.Model, reason, failure.Message));
        }
    }
}
