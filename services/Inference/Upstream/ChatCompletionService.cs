using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Inference.Upstream;

/// <summary>
/// Serves a chat request along its plan: within a model, route after route (fallback) until one
/// answers; across a cascade, model after model while the answer is missing, empty or truncated
/// (see <see cref="CascadeOptions"/>). A request the upstream rejects as invalid (400/413/422) is not
/// tried elsewhere. Every answer that cost tokens is reported to Billing under the model that gave it.
/// </summary>
public sealed class ChatCompletionService(UpstreamClient client, ChatTokenCounter counter, UsageReporter usageReporter, ILogger<ChatCompletionService> logger)
{
    /// <summary>A whole answer, or <see cref="UpstreamFailureException"/> (the last route's failure) when none came.</summary>
    public async Task<ChatAnswer> CompleteAsync(
        ChatRequest request, UpstreamPlan plan, Guid accountId, bool reportUsage, string? runId, CancellationToken cancellationToken)
    {
        using var activity = InferenceTelemetry.Source.StartActivity("chat.completions");
        activity?.SetTag("gen_ai.request.model", plan.RequestedModel);
        ChatAnswer? kept = null;
        UpstreamFailureException? lastFailure = null;
        for (var s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            var isLast = s == plan.Steps.Count - 1;
            ChatAnswer? answer = null;
            for (var r = 0; r < step.Routes.Count && answer is null; r++)
            {
                var route = step.Routes[r];
                try
                {
                    var json = await client.CompleteAsync(route, request.ForUpstream(route, step.Model), cancellationToken);
                    answer = new ChatAnswer(json, step.Model, route.Name, Usage(request, json));
                }
                catch (UpstreamFailureException failure) when (failure.Kind != UpstreamFailureKind.Rejected)
                {
                    lastFailure = failure;
                    NoteRouteFailure(step, r, failure);
                }
            }

            if (answer is null)
            {
                if (!isLast)
                {
                    Escalate(plan, step, "failed");
                    continue;
                }

                if (kept is not null)
                {
                    return Finish(activity, kept);
                }

                activity?.SetStatus(ActivityStatusCode.Error, lastFailure!.Message);
                throw lastFailure!;
            }

            await AccountAsync(answer, accountId, reportUsage, runId);
            if (!isLast && EscalationReason(answer.Body) is { } reason)
            {
                Escalate(plan, step, reason);
                kept = answer;
                continue;
            }

            return Finish(activity, answer);
        }

        throw new UnreachableException("A plan has at least one step.");
    }

    /// <summary>The first route (in plan order) whose stream yields a first event; the same fallback and escalation on failure.</summary>
    public async Task<(UpstreamStream Stream, string Model)> OpenStreamAsync(ChatRequest request, UpstreamPlan plan, CancellationToken cancellationToken)
    {
        UpstreamFailureException? lastFailure = null;
        for (var s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            for (var r = 0; r < step.Routes.Count; r++)
            {
                var route = step.Routes[r];
                try
                {
                    return (await client.OpenStreamAsync(route, request.ForUpstream(route, step.Model), cancellationToken), step.Model);
                }
                catch (UpstreamFailureException failure) when (failure.Kind != UpstreamFailureKind.Rejected)
                {
                    lastFailure = failure;
                    NoteRouteFailure(step, r, failure);
                }
            }

            if (s < plan.Steps.Count - 1)
            {
                Escalate(plan, step, "failed");
            }
        }

        throw lastFailure!;
    }

    /// <summary>Counts tokens, records them and, when asked, commits the usage for Billing (the usage outbox).</summary>
    public Task AccountAsync(ChatAnswer answer, Guid accountId, bool reportUsage, string? runId) =>
        AccountAsync(answer.Model, answer.Route, answer.Usage, accountId, reportUsage, runId);

    public async Task AccountAsync(string model, string route, ChatUsage usage, Guid accountId, bool reportUsage, string? runId)
    {
        var tags = new TagList { { "model", model }, { "route", route }, { "source", usage.Source } };
        var input = tags;
        input.Add("direction", "input");
        UpstreamTelemetry.Tokens.Add(usage.PromptTokens, input);
        var output = tags;
        output.Add("direction", "output");
        UpstreamTelemetry.Tokens.Add(usage.CompletionTokens, output);
        if (reportUsage)
        {
            await usageReporter.ReportAsync(accountId, model, route, usage, runId);
        }
    }

    /// <summary>The upstream's <c>usage</c> when it gave both counts; otherwise counted, and added to the answer.</summary>
    private ChatUsage Usage(ChatRequest request, JsonObject answer)
    {
        if (answer["usage"] is JsonObject usage && Count(usage["prompt_tokens"]) is { } prompt && Count(usage["completion_tokens"]) is { } completion)
        {
            return new ChatUsage(prompt, completion, Counted: false);
        }

        var counted = new ChatUsage(counter.CountPrompt(request.Messages, request.Tools), counter.CountCompletion(answer), Counted: true);
        answer["usage"] = new JsonObject
        {
            ["prompt_tokens"] = counted.PromptTokens,
            ["completion_tokens"] = counted.CompletionTokens,
            ["total_tokens"] = counted.PromptTokens + counted.CompletionTokens,
        };
        return counted;
    }

    public static long? Count(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var count) && count >= 0 ? count : null;

    /// <summary>Why a cascade should not settle for this answer: truncated by the token limit, or nothing in it.</summary>
    public static string? EscalationReason(JsonObject answer)
    {
        if (answer["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject first)
        {
            return "empty";
        }

        if (choices.OfType<JsonObject>().Any(c => ChatTokenCounter.Text(c["finish_reason"]) == "length"))
        {
            return "truncated";
        }

        var message = first["message"] as JsonObject;
        var hasToolCalls = message?["tool_calls"] is JsonArray { Count: > 0 };
        return !hasToolCalls && string.IsNullOrWhiteSpace(ChatTokenCounter.ContentText(message?["content"])) ? "empty" : null;
    }

    private void NoteRouteFailure(UpstreamStep step, int routeIndex, UpstreamFailureException failure)
    {
        var route = step.Routes[routeIndex];
        if (routeIndex < step.Routes.Count - 1)
        {
            UpstreamTelemetry.Fallbacks.Add(1, new TagList { { "from", route.Name }, { "model", step.Model }, { "reason", failure.Kind.ToString().ToLowerInvariant() } });
            logger.LogWarning("Route {Route} failed for model {Model} ({Reason}: {Detail}); falling back to {NextRoute}",
                route.Name, step.Model, failure.Kind, failure.Message, step.Routes[routeIndex + 1].Name);
        }
        else
        {
            logger.LogWarning("Route {Route} failed for model {Model} ({Reason}: {Detail}); no route left for it",
                route.Name, step.Model, failure.Kind, failure.Message);
        }
    }

    private void Escalate(UpstreamPlan plan, UpstreamStep step, string reason)
    {
        UpstreamTelemetry.Escalations.Add(1, new TagList { { "cascade", plan.RequestedModel }, { "from", step.Model }, { "reason", reason } });
        logger.LogInformation("Cascade {Cascade}: model {Model} answer {Reason}; escalating", plan.RequestedModel, step.Model, reason);
    }

    private static ChatAnswer Finish(Activity? activity, ChatAnswer answer)
    {
        activity?.SetTag("gen_ai.response.model", answer.Model);
        activity?.SetTag("platform.upstream.route", answer.Route);
        activity?.SetTag("gen_ai.usage.input_tokens", answer.Usage.PromptTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", answer.Usage.CompletionTokens);
        return answer;
    }
}
