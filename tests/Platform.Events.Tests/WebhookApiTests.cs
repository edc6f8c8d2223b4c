using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Platform.Events.Catalogue;
using Platform.ServiceDefaults.Errors;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>A Billing host with the production defaults for webhooks: https only, no private or local addresses, a low subscription limit.</summary>
public sealed class StrictHostFixture : IAsyncLifetime
{
    private EventsEnvironment _environment = null!;

    public BillingHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _environment = await EventsEnvironment.CreateAsync("standalone");
        _environment.Settings["Events:Webhooks:AllowHttp"] = "false";
        _environment.Settings["Events:Webhooks:AllowPrivateAddresses"] = "false";
        _environment.Settings["Events:Webhooks:MaxSubscriptionsPerAccount"] = "3";
        Host = await BillingHost.StartAsync(_environment.Settings);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _environment.DisposeAsync();
    }
}

/// <summary>Bad webhook and event-log input of every kind answers an RFC 9457 problem naming the field, and changes nothing.</summary>
public sealed class WebhookApiTests(StrictHostFixture fixture) : IClassFixture<StrictHostFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Client => fixture.Host.Client;

    public static TheoryData<string, string, string> BadSubscriptions => new()
    {
        { """{"eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"not a url","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"/relative/path","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"ftp://example.com/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"http://example.com/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://user:secret@example.com/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://example.com/hook#part","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://127.0.0.1/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://10.1.2.3/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://172.20.0.5/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://192.168.1.10:8443/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://169.254.169.254/latest/meta-data","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://100.64.0.1/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://0.0.0.0/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://[::1]/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://[fd00::1]/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://[::ffff:127.0.0.1]/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://2130706433/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://localhost/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://billing/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://metadata.google.internal/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { """{"url":"https://printer.local/hook","eventTypes":["*"]}""", ProblemTypes.Validation, "url" },
        { "{\"url\":\"https://example.com/" + new string('a', 2100) + "\",\"eventTypes\":[\"*\"]}", ProblemTypes.Validation, "url" },
        { """{"url":"https://example.com/hook"}""", ProblemTypes.Validation, "eventTypes" },
        { """{"url":"https://example.com/hook","eventTypes":[]}""", ProblemTypes.Validation, "eventTypes" },
        { """{"url":"https://example.com/hook","eventTypes":["platform.billing.credits.stolen.v1"]}""", ProblemTypes.Validation, "eventTypes" },
        { """{"url":"https://example.com/hook","eventTypes":["platform.billing.credits.captured.v1",null]}""", ProblemTypes.Validation, "eventTypes" },
        { """{"url":"https://example.com/hook","eventTypes":[""]}""", ProblemTypes.Validation, "eventTypes" },
        { "{\"url\":\"https://example.com/hook\",\"eventTypes\":[" + string.Join(",", Enumerable.Repeat("\"*\"", 51)) + "]}", ProblemTypes.Validation, "eventTypes" },
        { "{\"url\":\"https://example.com/hook\",\"eventTypes\":[\"*\"],\"description\":\"" + new string('d', 501) + "\"}", ProblemTypes.Validation, "description" },
        { """{"url":"https://example.com/hook","eventTypes":"*"}""", ProblemTypes.MalformedRequest, "eventTypes" },
        { """{"url":42,"eventTypes":["*"]}""", ProblemTypes.MalformedRequest, "url" },
        { """{"url":"https://example.com/hook","eventTypes":["*"]""", ProblemTypes.MalformedRequest, "" },
        { "", ProblemTypes.MalformedRequest, "" },
    };

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task A_bad_subscription_answers_a_problem_naming_the_field_and_creates_nothing(string body, string type, string field)
    {
        var (_, key) = await fixture.Host.CreateAccountAsync();

        using var response = await Client.SendAsync(Raw(HttpMethod.Post, "/v1/webhooks", key, body), Cancel);

        var problem = await ReadProblemAsync(response, 400, type);
        if (field.Length > 0)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Empty(await ListAsync(key));
    }

    [Fact]
    public async Task A_public_https_endpoint_is_accepted_the_secret_is_shown_once_and_the_limit_holds()
    {
        var (_, key) = await fixture.Host.CreateAccountAsync();
        using var created = await Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", key, new
        {
            url = "https://hooks.example.com/platform",
            eventTypes = new[] { "platform.billing.credits.captured.v1", "platform.billing.credits.captured.v1", "platform.billing.balance.low.v1" },
            description = "back office",
        }), Cancel);
        var webhook = await ReadJsonAsync(created, 201);
        Assert.StartsWith("whsec_", webhook.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(["platform.billing.credits.captured.v1", "platform.billing.balance.low.v1"],
            webhook.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));

        var listed = Assert.Single(await ListAsync(key));
        Assert.False(listed.TryGetProperty("secret", out _));
        using (var get = await Client.SendAsync(Request(HttpMethod.Get, $"/v1/webhooks/{webhook.GetProperty("id").GetString()}", key), Cancel))
        {
            Assert.False((await ReadJsonAsync(get, 200)).TryGetProperty("secret", out _));
        }

        for (var i = 0; i < 2; i++)
        {
            using var more = await Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", key, new { url = $"https://hooks.example.com/{i}", eventTypes = new[] { "*" } }), Cancel);
            await ReadJsonAsync(more, 201);
        }

        using var tooMany = await Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", key, new { url = "https://hooks.example.com/x", eventTypes = new[] { "*" } }), Cancel);
        await ReadProblemAsync(tooMany, 409, ProblemTypes.Conflict);
        Assert.Equal(3, (await ListAsync(key)).Count);
    }

    [Fact]
    public async Task Another_accounts_webhook_answers_404_like_an_unknown_one_on_every_route()
    {
        var (_, ownerKey) = await fixture.Host.CreateAccountAsync();
        var (_, otherKey) = await fixture.Host.CreateAccountAsync();
        using var created = await Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", ownerKey, new { url = "https://hooks.example.com/a", eventTypes = new[] { "*" } }), Cancel);
        var id = (await ReadJsonAsync(created, 201)).GetProperty("id").GetString()!;

        foreach (var webhookId in new[] { id, "wh_unknown", new string('x', 300) })
        {
            foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
            {
                (HttpMethod.Get, $"/v1/webhooks/{webhookId}", null),
                (HttpMethod.Delete, $"/v1/webhooks/{webhookId}", null),
                (HttpMethod.Post, $"/v1/webhooks/{webhookId}/secret/rotate", new { }),
                (HttpMethod.Get, $"/v1/webhooks/{webhookId}/deliveries", null),
                (HttpMethod.Get, $"/v1/webhooks/{webhookId}/deliveries/{webhookId}:x", null),
                (HttpMethod.Post, $"/v1/webhooks/{webhookId}/replay", new { eventIds = new[] { "e1" } }),
            })
            {
                using var response = await Client.SendAsync(Request(method, path, otherKey, body), Cancel);
                await ReadProblemAsync(response, 404, ProblemTypes.NotFound);
            }
        }

        Assert.Single(await ListAsync(ownerKey));
        using var delete = await Client.SendAsync(Request(HttpMethod.Delete, $"/v1/webhooks/{id}", ownerKey), Cancel);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(await ListAsync(ownerKey));
        using var again = await Client.SendAsync(Request(HttpMethod.Delete, $"/v1/webhooks/{id}", ownerKey), Cancel);
        await ReadProblemAsync(again, 404, ProblemTypes.NotFound);
    }

    public static TheoryData<string, string, string, string> BadRequests => new()
    {
        { "POST", "secret/rotate", """{"overlapSeconds":-1}""", "overlapSeconds" },
        { "POST", "secret/rotate", """{"overlapSeconds":604801}""", "overlapSeconds" },
        { "POST", "secret/rotate", """{"overlapSeconds":"soon"}""", "overlapSeconds" },
        { "GET", "deliveries?status=lost", "", "status" },
        { "GET", "deliveries?limit=0", "", "limit" },
        { "GET", "deliveries?limit=100000", "", "limit" },
        { "GET", "deliveries?before=yesterday", "", "before" },
        { "POST", "replay", "{}", "eventIds" },
        { "POST", "replay", """{"eventIds":[]}""", "eventIds" },
        { "POST", "replay", """{"eventIds":[""]}""", "eventIds" },
        { "POST", "replay", """{"eventIds":["e1"],"from":"2026-01-01T00:00:00Z"}""", "eventIds" },
        { "POST", "replay", """{"from":"2026-02-01T00:00:00Z","to":"2026-01-01T00:00:00Z"}""", "to" },
        { "POST", "replay", """{"from":"last week"}""", "from" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_rotation_delivery_log_and_replay_requests_answer_problems(string method, string route, string body, string field)
    {
        var (_, key) = await fixture.Host.CreateAccountAsync();
        using var created = await Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", key, new { url = "https://hooks.example.com/a", eventTypes = new[] { "*" } }), Cancel);
        var id = (await ReadJsonAsync(created, 201)).GetProperty("id").GetString()!;

        using var response = await Client.SendAsync(Raw(new HttpMethod(method), $"/v1/webhooks/{id}/{route}", key, method == "GET" ? null : body), Cancel);

        var problem = await ReadProblemAsync(response, 400, body.Contains("soon") || body.Contains("last week") ? ProblemTypes.MalformedRequest : ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_event_log_and_catalogue_answer_problems_for_bad_queries_and_need_a_key()
    {
        var (_, key) = await fixture.Host.CreateAccountAsync();
        foreach (var (query, field) in new[] { ("type=platform.nope.v1", "type"), ("limit=0", "limit"), ("after=abc", "after") })
        {
            using var response = await Client.SendAsync(Request(HttpMethod.Get, "/v1/events?" + query, key), Cancel);
            var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        using (var unknown = await Client.SendAsync(Request(HttpMethod.Get, "/v1/events/" + Guid.NewGuid(), key), Cancel))
        {
            await ReadProblemAsync(unknown, 404, ProblemTypes.NotFound);
        }

        foreach (var path in new[] { "/v1/webhooks", "/v1/events", "/v1/events/types" })
        {
            using var anonymous = await Client.SendAsync(Request(HttpMethod.Get, path, null), Cancel);
            await ReadProblemAsync(anonymous, 401, ProblemTypes.Unauthorized);
        }

        using var types = await Client.SendAsync(Request(HttpMethod.Get, "/v1/events/types", key), Cancel);
        var items = (await ReadJsonAsync(types, 200)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(EventCatalogue.All.Select(d => d.Type), items.Select(i => i.GetProperty("type").GetString()));
        Assert.All(items, i => Assert.Equal("object", i.GetProperty("schema").GetProperty("type").GetString()));
    }

    private async Task<IReadOnlyList<System.Text.Json.JsonElement>> ListAsync(string key)
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, "/v1/webhooks", key), Cancel);
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }

    private static HttpRequestMessage Raw(HttpMethod method, string path, string key, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }
}
