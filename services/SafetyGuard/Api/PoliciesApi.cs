using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.SafetyGuard.Policies;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.SafetyGuard.Api;

/// <summary>
/// The caller's policy as code: GET shows the policy in force (the account's or the shipped default),
/// PUT replaces it with a YAML document that must validate completely, DELETE returns to the default.
/// </summary>
public static class PoliciesApi
{
    private static readonly string[] YamlMediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"];

    public sealed record PolicyResponse(string Id, string Source, string Yaml, DateTimeOffset? UpdatedAt);

    public sealed record PolicyErrorResponse(int Line, int Column, string Field, string Message);

    public static void MapPoliciesApi(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/v1/policies").WithTags("Policies").RequireAuthorization(PlatformPolicies.Account);
        policies.MapGet("/", GetPolicy);
        policies.MapPut("/", PutPolicy);
        policies.MapDelete("/", DeletePolicy);
    }

    private static async Task<Ok<PolicyResponse>> GetPolicy(ClaimsPrincipal user, PolicyStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await store.GetAsync(user.GetAccountId(), cancellationToken)));

    private static async Task<Results<Ok<PolicyResponse>, ValidationProblem, ProblemHttpResult>> PutPolicy(
        HttpRequest request, ClaimsPrincipal user, PolicyStore store, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !YamlMediaTypes.Contains(mediaType))
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The policy must be sent as YAML.", $"Send the document with Content-Type {string.Join(" or ", YamlMediaTypes)}.");
        }

        // Read at most one char past the limit: enough to know it is too long without buffering more.
        using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var buffer = new char[PolicyParser.MaxDocumentChars + 1];
        int length;
        try
        {
            length = await reader.ReadBlockAsync(buffer, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest,
                "The policy is not valid UTF-8.", "Send the YAML document encoded as UTF-8.");
        }

        if (length > PolicyParser.MaxDocumentChars)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge,
                "The policy is too long.", $"A policy has at most {PolicyParser.MaxDocumentChars} characters.");
        }

        var yaml = new string(buffer, 0, length);
        var parsed = PolicyParser.Parse(yaml);
        if (parsed.Policy is null)
        {
            var errors = parsed.Errors
                .GroupBy(e => e.Field.Length == 0 ? "yaml" : e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToArray());
            return TypedResults.ValidationProblem(errors,
                detail: string.Join("; ", parsed.Errors.Select(e => e.ToString())),
                title: "The policy is not valid; nothing was changed.",
                type: ProblemTypes.Validation,
                extensions: new Dictionary<string, object?>
                {
                    ["policyErrors"] = parsed.Errors.Select(e => new PolicyErrorResponse(e.Line, e.Column, e.Field, e.Message)).ToArray(),
                });
        }

        return TypedResults.Ok(ToResponse(await store.PutAsync(user.GetAccountId(), parsed.Policy, yaml, cancellationToken)));
    }

    private static async Task<NoContent> DeletePolicy(ClaimsPrincipal user, PolicyStore store, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(user.GetAccountId(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static PolicyResponse ToResponse(AccountPolicy policy) =>
        new(policy.Policy.Id, policy.IsDefault ? "default" : "account", policy.Yaml, policy.UpdatedAt);
}
