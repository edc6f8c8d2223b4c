using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Decisions;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.SafetyGuard.Api;

/// <summary>
/// Checks of content before it is used: prompts and agent actions. A check that ran answers 200 with
/// its decision, deny included: the caller enforces it (Agents answers 403 for a denied run).
/// </summary>
public static class CheckApi
{
    public const int MaxToolNameChars = 200;

    public sealed record CheckPromptRequest(string? Text);

    /// <summary>A finding located in the submitted text (UTF-16 offsets, as JavaScript and .NET index strings).</summary>
    public sealed record FindingSpan(string Type, int Start, int Length);

    public sealed record CheckPromptResponse(
        DecisionOutcome Decision,
        IReadOnlyList<string> RuleIds,
        IReadOnlyList<FindingSpan> Findings,
        IReadOnlyDictionary<string, double> Scores,
        string? RedactedText,
        double LatencyMs,
        string DecisionId);

    public sealed record CheckActionRequest(string? Tool, JsonElement? Arguments, long? EstimatedCost);

    public sealed record CheckActionResponse(
        DecisionOutcome Decision,
        IReadOnlyList<string> RuleIds,
        IReadOnlyList<ActionViolation> Violations,
        string? Risk,
        double LatencyMs,
        string DecisionId);

    public static void MapCheckApi(this RouteGroupBuilder api)
    {
        var check = api.MapGroup("/v1/check").WithTags("Checks").RequireAuthorization(PlatformPolicies.Account);
        check.MapPost("/prompt", CheckPrompt);
        check.MapPost("/action", CheckAction);
    }

    private static async Task<Results<Ok<CheckPromptResponse>, ValidationProblem, ProblemHttpResult>> CheckPrompt(
        CheckPromptRequest request, ClaimsPrincipal user, PromptChecks checks, SafetyGuardOptions options, CancellationToken cancellationToken)
    {
        if (request.Text is null || request.Text.Length == 0)
        {
            return Problems.Validation("text", "is required and must not be empty");
        }

        if (request.Text.Length > options.MaxTextChars)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge,
                "The text is too long to check.",
                $"text has {request.Text.Length} characters; at most {options.MaxTextChars} are accepted.");
        }

        var (verdict, record) = await checks.CheckAsync(user.GetAccountId(), request.Text, cancellationToken);
        return TypedResults.Ok(new CheckPromptResponse(
            verdict.Outcome,
            verdict.RuleIds,
            [.. verdict.Detection.Findings.Select(f => new FindingSpan(f.Type, f.Start, f.Length))],
            verdict.Detection.Scores.ToDictionary(s => s.Name, s => s.Score),
            verdict.RedactedText,
            record.LatencyMs,
            record.Id));
    }

    private static async Task<Results<Ok<CheckActionResponse>, ValidationProblem>> CheckAction(
        CheckActionRequest request, ClaimsPrincipal user, ActionChecks checks, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        validator.Require(!string.IsNullOrWhiteSpace(request.Tool), "tool", "is required");
        validator.Require(request.Tool is null || request.Tool.Length <= MaxToolNameChars, "tool", $"must be at most {MaxToolNameChars} characters");
        validator.Require(request.Arguments is { ValueKind: JsonValueKind.Object }, "arguments", "is required and must be a JSON object");
        validator.Require(request.EstimatedCost is null or >= 0, "estimatedCost", "must be 0 or more (micro-credits)");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var call = new ToolCall(request.Tool!, request.Arguments!.Value, request.EstimatedCost);
        var (verdict, record) = await checks.CheckAsync(user.GetAccountId(), call, cancellationToken);
        return TypedResults.Ok(new CheckActionResponse(
            verdict.Outcome,
            verdict.RuleIds,
            verdict.Violations,
            verdict.Risk?.ToString().ToLowerInvariant(),
            record.LatencyMs,
            record.Id));
    }
}
