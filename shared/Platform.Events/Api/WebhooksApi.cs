using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Platform.Events.Catalogue;
using Platform.Events.Webhooks;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Events.Api;

/// <summary>
/// An account's webhook endpoints: create (the signing secret is shown once), list, get, delete, rotate
/// the secret (the previous one keeps signing during the overlap), the delivery log with every attempt,
/// and replay. Another account's ids answer 404 exactly like unknown ones.
/// </summary>
public static class WebhooksApi
{
    public const int MaxEventTypes = 50;
    public const int MaxDescription = 500;
    public const int MaxReplayEvents = 10_000;
    public const int MaxReplayIds = 1000;
    public const int MaxRotationOverlapSeconds = 7 * 24 * 60 * 60;

    public static void MapWebhooksApi(this IEndpointRouteBuilder api)
    {
        var webhooks = api.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(PlatformPolicies.Account);
        webhooks.MapPost("/", Create);
        webhooks.MapGet("/", List);
        webhooks.MapGet("/{webhookId}", Get);
        webhooks.MapDelete("/{webhookId}", Delete);
        webhooks.MapPost("/{webhookId}/secret/rotate", RotateSecret);
        webhooks.MapGet("/{webhookId}/deliveries", ListDeliveries);
        webhooks.MapGet("/{webhookId}/deliveries/{deliveryId}", GetDelivery);
        webhooks.MapPost("/{webhookId}/replay", Replay);
    }

    private static async Task<Results<Created<CreatedWebhookResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateWebhookRequest request, ClaimsPrincipal user, WebhookStore store, EventsOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var validator = new Validator();
        if (WebhookUrls.Check(request.Url, options.Webhooks, out _) is { } urlError)
        {
            validator.Add("url", urlError);
        }

        var types = ValidateEventTypes(request.EventTypes, validator);
        validator.Require(request.Description is null || request.Description.Length <= MaxDescription, "description",
            $"must be at most {MaxDescription} characters");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var subscription = new WebhookSubscription
        {
            Id = WebhookSecrets.NewSubscriptionId(),
            AccountId = user.GetAccountId().ToString("D"),
            Url = request.Url!,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            EventTypes = string.Join(' ', types),
            Secret = WebhookSecrets.Create(),
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (!await store.CreateAsync(subscription, options.Webhooks.MaxSubscriptionsPerAccount, cancellationToken))
        {
            return Problems.Conflict(
                ProblemTypes.Conflict, "Too many webhooks.",
                $"An account may have at most {options.Webhooks.MaxSubscriptionsPerAccount} webhooks; delete one first.");
        }

        return TypedResults.Created(
            $"/v1/webhooks/{subscription.Id}",
            new CreatedWebhookResponse(
                subscription.Id, subscription.Url, subscription.Types, subscription.Description,
                DateTimeOffset.FromUnixTimeMilliseconds(subscription.CreatedAt), subscription.Secret));
    }

    private static List<string> ValidateEventTypes(IReadOnlyList<string?>? requested, Validator validator)
    {
        var types = new List<string>();
        if (requested is null || requested.Count == 0)
        {
            validator.Add("eventTypes", $"must name at least one event type (or \"{WebhookSubscription.AllTypes}\" for all)");
            return types;
        }

        if (requested.Count > MaxEventTypes)
        {
            validator.Add("eventTypes", $"must have at most {MaxEventTypes} items");
            return types;
        }

        foreach (var type in requested)
        {
            if (type == WebhookSubscription.AllTypes || (type is not null && EventCatalogue.FindByType(type) is not null))
            {
                if (!types.Contains(type))
                {
                    types.Add(type);
                }
            }
            else
            {
                validator.Add("eventTypes", $"'{Shorten(type)}' is not an event type of the catalogue (GET /v1/events/types lists them)");
            }
        }

        return types;
    }

    private static async Task<Ok<WebhookList>> List(
        ClaimsPrincipal user, WebhookStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var items = await store.ListAsync(user.GetAccountId(), cancellationToken);
        return TypedResults.Ok(new WebhookList([.. items.Select(s => WebhookResponse.From(s, now))]));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(
        string webhookId, ClaimsPrincipal user, WebhookStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(webhookId, user, store, cancellationToken);
        return subscription is null
            ? Problems.NotFound("webhook", Shorten(webhookId))
            : TypedResults.Ok(WebhookResponse.From(subscription, clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string webhookId, ClaimsPrincipal user, WebhookStore store, CancellationToken cancellationToken) =>
        IsPlausibleId(webhookId) && await store.DeleteAsync(user.GetAccountId(), webhookId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("webhook", Shorten(webhookId));

    private static async Task<Results<Ok<RotatedSecretResponse>, ValidationProblem, ProblemHttpResult>> RotateSecret(
        string webhookId, ClaimsPrincipal user, WebhookStore store, EventsOptions options, TimeProvider clock,
        CancellationToken cancellationToken, RotateSecretRequest? request = null)
    {
        var overlap = request?.OverlapSeconds ?? options.Webhooks.DefaultRotationOverlapSeconds;
        if (overlap is < 0 or > MaxRotationOverlapSeconds)
        {
            return Problems.Validation("overlapSeconds", $"must be between 0 and {MaxRotationOverlapSeconds} (7 days)");
        }

        if (!IsPlausibleId(webhookId))
        {
            return Problems.NotFound("webhook", Shorten(webhookId));
        }

        var expires = clock.GetUtcNow().ToUnixTimeMilliseconds() + (overlap * 1000L);
        var rotated = await store.RotateSecretAsync(user.GetAccountId(), webhookId, WebhookSecrets.Create(), expires, cancellationToken);
        return rotated is null
            ? Problems.NotFound("webhook", Shorten(webhookId))
            : TypedResults.Ok(new RotatedSecretResponse(rotated.Id, rotated.Secret, DateTimeOffset.FromUnixTimeMilliseconds(expires)));
    }

    private static async Task<Results<Ok<DeliveryList>, ValidationProblem, ProblemHttpResult>> ListDeliveries(
        string webhookId, ClaimsPrincipal user, WebhookStore store, CancellationToken cancellationToken,
        string? status = null, string? eventId = null, int limit = 100, string? before = null)
    {
        var validator = new Validator();
        validator.Require(status is null || DeliveryStatus.All.Contains(status), "status", $"must be one of {string.Join(", ", DeliveryStatus.All)}");
        validator.Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000");
        long cursor = long.MaxValue;
        validator.Require(before is null || (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) && cursor > 0),
            "before", "must be a cursor from a previous page's next");
        validator.Require(eventId is null || eventId.Length <= 64, "eventId", "must be at most 64 characters");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var subscription = await FindAsync(webhookId, user, store, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("webhook", Shorten(webhookId));
        }

        var items = await store.ListDeliveriesAsync(subscription.Id, status, eventId, cursor, limit, cancellationToken);
        var next = items.Count == limit ? items[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new DeliveryList([.. items.Select(DeliveryResponse.From)], next));
    }

    private static async Task<Results<Ok<DeliveryDetail>, ProblemHttpResult>> GetDelivery(
        string webhookId, string deliveryId, ClaimsPrincipal user, WebhookStore store, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(webhookId, user, store, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("webhook", Shorten(webhookId));
        }

        var found = deliveryId.Length <= 256 ? await store.FindDeliveryAsync(subscription.Id, deliveryId, cancellationToken) : null;
        if (found is not { } detail)
        {
            return Problems.NotFound("delivery", Shorten(deliveryId));
        }

        return TypedResults.Ok(new DeliveryDetail(
            DeliveryResponse.From(detail.Delivery),
            [.. detail.Attempts.Select(a => new AttemptResponse(a.Attempt, DateTimeOffset.FromUnixTimeMilliseconds(a.StartedAt), a.DurationMs, a.StatusCode, a.Error))]));
    }

    private static async Task<Results<Accepted<ReplayResponse>, ValidationProblem, ProblemHttpResult>> Replay(
        string webhookId, ReplayRequest request, ClaimsPrincipal user, WebhookStore store, DeliverySignal signal,
        CancellationToken cancellationToken)
    {
        var validator = new Validator();
        var byIds = request.EventIds is not null;
        if (byIds == (request.From is not null || request.To is not null))
        {
            validator.Add("eventIds", "give either eventIds or a time window (from, to), not both and not neither");
        }
        else if (byIds)
        {
            validator.Require(request.EventIds!.Count is >= 1 and <= MaxReplayIds, "eventIds", $"must have 1 to {MaxReplayIds} items");
            validator.Require(request.EventIds.All(id => id is { Length: > 0 and <= 64 }), "eventIds", "every item must be an event id (1-64 characters)");
        }
        else
        {
            validator.Require(request.From is null || request.To is null || request.From < request.To, "to", "must be after from");
        }

        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var subscription = await FindAsync(webhookId, user, store, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("webhook", Shorten(webhookId));
        }

        var queued = await store.ReplayAsync(
            subscription, byIds ? [.. request.EventIds!.Distinct()!] : null,
            request.From?.ToUnixTimeMilliseconds(), request.To?.ToUnixTimeMilliseconds(), MaxReplayEvents, cancellationToken);
        // Named, so a worker of this endpoint that waits for more goes on at once (a database look skips endpoints
        // that are leased, its own included). Another instance's worker finds them at its next round.
        signal.Notify([subscription.Id]);
        return TypedResults.Accepted($"/v1/webhooks/{subscription.Id}/deliveries", new ReplayResponse(queued));
    }

    private static async Task<WebhookSubscription?> FindAsync(
        string webhookId, ClaimsPrincipal user, WebhookStore store, CancellationToken cancellationToken) =>
        IsPlausibleId(webhookId) ? await store.FindAsync(user.GetAccountId(), webhookId, cancellationToken) : null;

    private static bool IsPlausibleId(string id) => id.Length is > 0 and <= 64;

    private static string Shorten(string? text) => text is null ? "(null)" : text.Length <= 80 ? text : text[..80] + "...";
}
