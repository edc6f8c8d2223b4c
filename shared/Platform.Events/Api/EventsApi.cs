using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Platform.Events.Catalogue;
using Platform.Events.Log;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Events.Api;

/// <summary>The catalogue (event types with their data schemas) and an account's event log (the CloudEvents as sent).</summary>
public static class EventsApi
{
    public sealed record EventTypeResponse(
        string Type, string Title, string Description, string Source, string Topic, string Subject, string DataSchema, JsonObject Schema);

    public sealed record EventTypeList(IReadOnlyList<EventTypeResponse> Items);

    public sealed record EventList(IReadOnlyList<JsonElement> Items, string? Next);

    public static void MapEventsApi(this IEndpointRouteBuilder api)
    {
        var events = api.MapGroup("/v1/events").WithTags("Events");
        events.MapGet("/types", Types).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        events.MapGet("/", List).RequireAuthorization(PlatformPolicies.Account);
        events.MapGet("/{eventId}", Get).RequireAuthorization(PlatformPolicies.Account);
    }

    private static Ok<EventTypeList> Types() => TypedResults.Ok(new EventTypeList(
        [.. EventCatalogue.All.Select(d => new EventTypeResponse(
            d.Type, d.Title, d.Description, d.Source, d.Topic, d.SubjectTemplate, d.DataSchemaUri, d.DataSchema))]));

    private static async Task<Results<Ok<EventList>, ValidationProblem>> List(
        ClaimsPrincipal user, EventLogStore log, CancellationToken cancellationToken,
        string? type = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 100, string? after = null)
    {
        var validator = new Validator();
        validator.Require(type is null || EventCatalogue.FindByType(type) is not null, "type", "must be an event type of the catalogue");
        validator.Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000");
        long cursor = 0;
        validator.Require(after is null || long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor),
            "after", "must be a cursor from a previous page's next");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var items = await log.ListAsync(
            user.GetAccountId(), type, from?.ToUnixTimeMilliseconds(), to?.ToUnixTimeMilliseconds(), cursor, limit, cancellationToken);
        var next = items.Count == limit ? items[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new EventList([.. items.Select(e => JsonDocument.Parse(e.Body).RootElement.Clone())], next));
    }

    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> Get(
        string eventId, ClaimsPrincipal user, EventLogStore log, CancellationToken cancellationToken)
    {
        var found = eventId.Length <= 64 ? await log.FindAsync(user.GetAccountId(), eventId, cancellationToken) : null;
        return found is null
            ? Problems.NotFound("event", eventId.Length <= 80 ? eventId : eventId[..80] + "...")
            : TypedResults.Ok(JsonDocument.Parse(found.Body).RootElement.Clone());
    }
}
