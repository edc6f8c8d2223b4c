using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Retrieval.Search;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Retrieval.Api;

/// <summary>POST /v1/search: text (and optionally a vector) in, the caller's best chunks out.</summary>
public static class SearchApi
{
    public sealed record SearchFilter(string? DocumentId, IReadOnlyList<string>? Tags);

    public sealed record SearchRequest(string? Collection, string? Query, float[]? Vector, int? Limit, string? Mode, SearchFilter? Filter);

    public sealed record SearchResponse(string Collection, string Mode, IReadOnlyList<HybridHit> Results);

    public static void MapSearchApi(this RouteGroupBuilder api) =>
        api.MapPost("/v1/search", Search)
            .WithTags("Search")
            .RequireAuthorization(PlatformPolicies.Account)
            .AddEndpointFilter<IndexUnavailableFilter>();

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> Search(
        SearchRequest request, ClaimsPrincipal user, HybridSearch search, CancellationToken cancellationToken)
    {
        var (query, errors) = SearchInput.Check(
            request.Collection, request.Query, request.Vector, request.Limit, request.Mode, request.Filter?.DocumentId, request.Filter?.Tags);
        if (query is null)
        {
            var validator = new Validator();
            foreach (var (field, message) in errors)
            {
                validator.Add(field, message);
            }

            return validator.ToProblem();
        }

        if (query.Vector is null && query.Mode != SearchMode.Bm25 && !search.CanEmbed)
        {
            return Problems.Validation(
                "vector", $"is required for mode '{query.Mode.ToString().ToLowerInvariant()}': no query embedder is configured here (use mode 'bm25', or send the query's vector)");
        }

        HybridResult result;
        try
        {
            result = await search.SearchAsync(user.GetAccountId(), query, cancellationToken);
        }
        catch (QueryEmbeddingUnavailableException e)
        {
            return Problems.Status(
                StatusCodes.Status503ServiceUnavailable, ProblemTypes.DependencyUnavailable, "The query could not be embedded", e.Message);
        }

        if (!result.CollectionFound)
        {
            return Problems.NotFound("collection", query.Collection);
        }

        if (result.ExpectedDimension is { } expected)
        {
            return Problems.Validation(
                "vector", $"has {result.QueryDimension} components but collection '{query.Collection}' has dimension {expected}");
        }

        return TypedResults.Ok(new SearchResponse(query.Collection, query.Mode.ToString().ToLowerInvariant(), result.Hits));
    }
}
