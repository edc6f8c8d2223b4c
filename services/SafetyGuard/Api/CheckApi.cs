using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.SafetyGuard.Decisions;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.SafetyGuard.Api;

/// <summary>Checks of content before it is used: prompts now, agent actions as the guard grows.</summary>
public static class CheckApi
{
    public sealed record CheckPromptRequest(string? Text);

    /// <summary>A finding located in the submitted text (UTF-16 offsets, as JavaScript and .NET index strings).</summary>
    public sealed record FindingSpan(string Type, int Start, int Length);

    public sealed record CheckPromptResponse(
        DecisionOutcome Decision,
        IReadOnlyList<string> RuleIds,
        IReadOnlyList<FindingSpan> Findings,
        string? RedactedText,
        double LatencyMs,
        string DecisionId);

    public static void MapCheckApi(this RouteGroupBuilder api)
    {
        var check = api.MapGroup("/v1/check").WithTags("Checks").RequireAuthorization(PlatformPolicies.Account);
        check.MapPost("/prompt", CheckPrompt);
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
            verdict.RedactedText,
            record.LatencyMs,
            record.Id));
    }
}
