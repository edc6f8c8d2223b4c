using System.Diagnostics;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Retrieval.Index;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Retrieval.Api;

/// <summary>The caller's vector collections: upsert, delete and search points.</summary>
public static partial class CollectionsApi
{
    public sealed record PointInput(string? Id, float[]? Vector, string? Text, string? DocumentId, IReadOnlyList<string>? Tags);

    public sealed record UpsertPointsRequest(IReadOnlyList<PointInput?>? Points);

    public sealed record UpsertPointsResponse(string Collection, int Dimension, int Upserted);

    public sealed record SearchFilter(string? DocumentId, IReadOnlyList<string>? Tags);

    public sealed record SearchRequest(float[]? Vector, int? Limit, SearchFilter? Filter);

    public sealed record SearchHit(string Id, float Score, string? Text, string? DocumentId, IReadOnlyList<string> Tags);

    public sealed record SearchResponse(string Collection, IReadOnlyList<SearchHit> Points);

    public sealed record CollectionList(IReadOnlyList<CollectionInfo> Items);

    public const int DefaultSearchLimit = 10;

    public static void MapCollectionsApi(this RouteGroupBuilder api)
    {
        var collections = api.MapGroup("/v1/collections").WithTags("Collections").RequireAuthorization(PlatformPolicies.Account)
            .AddEndpointFilter<IndexUnavailableFilter>();
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<RetrievalOptions>>().Value;

        collections.MapGet("/", ListCollections);
        collections.MapPut("/{collection}/points", UpsertPoints)
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxUpsertBodyBytes));
        collections.MapPost("/{collection}/search", Search);
        collections.MapDelete("/{collection}/points/{id}", DeletePoint);
    }

    private static async Task<Ok<CollectionList>> ListCollections(ClaimsPrincipal user, IVectorIndex index, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CollectionList(await index.ListCollectionsAsync(user.GetAccountId(), cancellationToken)));

    private static async Task<Results<Ok<UpsertPointsResponse>, ValidationProblem>> UpsertPoints(
        string collection, UpsertPointsRequest request, ClaimsPrincipal user, IVectorIndex index, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        ValidateCollection(validator, collection);
        var points = ValidatePoints(validator, request.Points);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var result = await index.UpsertAsync(user.GetAccountId(), collection, points, cancellationToken);
        if (result.DimensionMismatch)
        {
            return Problems.Validation(
                "points[0].vector",
                $"has {points[0].Vector.Length} components but collection '{collection}' has dimension {result.Dimension}");
        }

        RetrievalTelemetry.PointsUpserted.Add(result.Upserted);
        return TypedResults.Ok(new UpsertPointsResponse(collection, result.Dimension, result.Upserted));
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> Search(
        string collection, SearchRequest request, ClaimsPrincipal user, IVectorIndex index, RetrievalBackendInfo backendInfo, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        ValidateCollection(validator, collection);
        if (VectorChecks.Problem(request.Vector) is { } vectorProblem)
        {
            validator.Add("vector", vectorProblem);
        }

        var limit = request.Limit ?? DefaultSearchLimit;
        validator.Require(limit is >= 1 and <= VectorLimits.MaxSearchLimit, "limit", $"must be between 1 and {VectorLimits.MaxSearchLimit}");
        ValidateDocumentId(validator, request.Filter?.DocumentId, "filter.documentId");
        var tags = ValidateTags(validator, request.Filter?.Tags, "filter.tags");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var started = Stopwatch.GetTimestamp();
        var query = new VectorQuery(request.Vector!, limit, new PointFilter(request.Filter?.DocumentId, tags));
        var result = await index.SearchAsync(user.GetAccountId(), collection, query, cancellationToken);
        if (!result.CollectionFound)
        {
            return Problems.NotFound("collection", collection);
        }

        if (result.ExpectedDimension is { } expected)
        {
            return Problems.Validation(
                "vector", $"has {request.Vector!.Length} components but collection '{collection}' has dimension {expected}");
        }

        var backend = new KeyValuePair<string, object?>("backend", backendInfo.Tag);
        RetrievalTelemetry.SearchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, backend);
        RetrievalTelemetry.PointsScanned.Record(result.Scanned, backend);
        return TypedResults.Ok(new SearchResponse(
            collection,
            [.. result.Points.Select(p => new SearchHit(p.Id, p.Score, p.Text, p.DocumentId, p.Tags))]));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeletePoint(
        string collection, string id, ClaimsPrincipal user, IVectorIndex index, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        ValidateCollection(validator, collection);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        return await index.DeleteAsync(user.GetAccountId(), collection, id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("point", id);
    }

    private static void ValidateCollection(Validator validator, string collection) =>
        validator.Require(
            CollectionName().IsMatch(collection),
            "collection",
            $"must be 1 to {VectorLimits.MaxCollectionNameLength} letters, digits, '_', '-' or '.', starting with a letter or digit");

    private static List<VectorPoint> ValidatePoints(Validator validator, IReadOnlyList<PointInput?>? inputs)
    {
        if (inputs is null || inputs.Count == 0)
        {
            validator.Add("points", "must hold at least one point");
            return [];
        }

        if (inputs.Count > VectorLimits.MaxPointsPerUpsert)
        {
            validator.Add("points", $"must hold at most {VectorLimits.MaxPointsPerUpsert} points");
            return [];
        }

        var points = new List<VectorPoint>(inputs.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int? dimension = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            var field = $"points[{i}]";
            if (inputs[i] is not { } input)
            {
                validator.Add(field, "must be an object");
                continue;
            }

            if (string.IsNullOrWhiteSpace(input.Id) || input.Id.Length > VectorLimits.MaxIdLength)
            {
                validator.Add($"{field}.id", $"is required and must be at most {VectorLimits.MaxIdLength} characters");
            }
            else if (!ids.Add(input.Id))
            {
                validator.Add($"{field}.id", $"'{input.Id}' appears more than once in this request");
            }

            if (VectorChecks.Problem(input.Vector) is { } vectorProblem)
            {
                validator.Add($"{field}.vector", vectorProblem);
            }
            else if ((dimension ??= input.Vector!.Length) != input.Vector!.Length)
            {
                validator.Add($"{field}.vector", $"has {input.Vector.Length} components but points[0] has {dimension}");
            }

            validator.Require(
                input.Text is null || input.Text.Length <= VectorLimits.MaxTextLength,
                $"{field}.text",
                $"must be at most {VectorLimits.MaxTextLength} characters");
            ValidateDocumentId(validator, input.DocumentId, $"{field}.documentId");
            var tags = ValidateTags(validator, input.Tags, $"{field}.tags");
            points.Add(new VectorPoint(input.Id ?? "", input.Vector ?? [], input.Text, input.DocumentId, tags));
        }

        return points;
    }

    private static void ValidateDocumentId(Validator validator, string? documentId, string field) =>
        validator.Require(
            documentId is null || (documentId.Length is > 0 and <= VectorLimits.MaxIdLength && !string.IsNullOrWhiteSpace(documentId)),
            field,
            $"must be 1 to {VectorLimits.MaxIdLength} characters when given");

    private static IReadOnlyList<string>? ValidateTags(Validator validator, IReadOnlyList<string>? tags, string field)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > VectorLimits.MaxTags)
        {
            validator.Add(field, $"must hold at most {VectorLimits.MaxTags} tags");
            return null;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            validator.Require(
                !string.IsNullOrWhiteSpace(tags[i]) && tags[i].Length <= VectorLimits.MaxTagLength,
                $"{field}[{i}]",
                $"must be 1 to {VectorLimits.MaxTagLength} characters, not blank");
        }

        return [.. tags.Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex CollectionName();
}
