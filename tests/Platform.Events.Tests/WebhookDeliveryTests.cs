using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Events.Webhooks;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// Webhooks against a real local HTTP receiver (Kestrel): signatures, secret rotation, retries on 500
/// and on timeouts, dead-lettering, replay, type filters, and one endpoint's failures never holding
/// back another account's deliveries.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private const string Completed = "platform.cadgenerator.job.completed.v1";
    private const string Failed = "platform.cadgenerator.job.failed.v1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliveries_are_CloudEvents_signed_over_timestamp_and_body()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var webhook = await fixture.SubscribeAsync(key, "a", ["*"]);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await fixture.PublishAsync(Completed, account, Guid.NewGuid()));
        }

        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Count == 3, "three deliveries");
        foreach (var delivery in fixture.Receiver.Accepted("a"))
        {
            Assert.StartsWith(CloudEvent.ContentType, delivery.ContentType, StringComparison.Ordinal);
            Assert.Contains(Guid.Parse(delivery.EventId), ids);
            Assert.Equal(delivery.EventId, delivery.Json.GetProperty("id").GetString());
            Assert.Equal(Completed, delivery.EventType);
            Assert.Equal(1, delivery.Attempt);
            Assert.True(WebhookSignature.Verify(delivery.Signature, webhook.Secret, delivery.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

            // What a receiver in any language does: HMAC-SHA256(secret, "{t}." + body), hex, compared to v1.
            var parts = delivery.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(delivery.Body).ToArray();
            var expected = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhook.Secret), signed)).ToLowerInvariant();
            Assert.Equal(expected, parts["v1"]);
            Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(parts["t"], CultureInfo.InvariantCulture)) < 60);

            var tampered = delivery.Body.ToArray();
            tampered[^2] ^= 1;
            Assert.False(WebhookSignature.Verify(delivery.Signature, webhook.Secret, tampered, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            Assert.False(WebhookSignature.Verify(delivery.Signature, WebhookSecrets.Create(), delivery.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            Assert.False(WebhookSignature.Verify(delivery.Signature, webhook.Secret, delivery.Body, DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(5)));
        }
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_until_the_overlap_ends()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var webhook = await fixture.SubscribeAsync(key, "a", [Completed]);
        using var rotate = await fixture.Host.Client.SendAsync(
            Request(HttpMethod.Post, $"/v1/webhooks/{webhook.Id}/secret/rotate", key, new { overlapSeconds = 2 }), Cancel);
        var rotated = await ReadJsonAsync(rotate, 200);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(webhook.Secret, newSecret);

        await fixture.PublishAsync(Completed, account, Guid.NewGuid());
        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Count == 1, "the delivery during the overlap");
        var during = fixture.Receiver.Accepted("a")[0];
        Assert.Equal(2, during.Signature.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));
        Assert.True(WebhookSignature.Verify(during.Signature, webhook.Secret, during.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSignature.Verify(during.Signature, newSecret, during.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

        await Task.Delay(2500, Cancel);
        await fixture.PublishAsync(Completed, account, Guid.NewGuid());
        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Count == 2, "the delivery after the overlap");
        var after = fixture.Receiver.Accepted("a")[1];
        Assert.Single(after.Signature.Split(','), p => p.StartsWith("v1=", StringComparison.Ordinal));
        Assert.False(WebhookSignature.Verify(after.Signature, webhook.Secret, after.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSignature.Verify(after.Signature, newSecret, after.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task An_endpoint_answering_500_is_retried_with_exponential_backoff_and_the_log_shows_every_attempt()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var webhook = await fixture.SubscribeAsync(key, "a", ["*"]);
        fixture.Receiver.Behave("a", n => Task.FromResult(n <= 2 ? 500 : 204));

        var id = await fixture.PublishAsync(Failed, account, Guid.NewGuid());

        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Count == 1, "the third attempt to succeed");
        Assert.Equal([1, 2, 3], fixture.Receiver.For("a").Select(r => r.Attempt));
        Assert.All(fixture.Receiver.For("a"), r => Assert.Equal(id.ToString("D"), r.EventId));
        var detail = await fixture.DeliveryAsync(key, webhook.Id, id);
        Assert.Equal("succeeded", detail.GetProperty("delivery").GetProperty("status").GetString());
        Assert.Equal(3, detail.GetProperty("delivery").GetProperty("attempts").GetInt32());
        var attempts = detail.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([500, 500, 204], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        // No retry comes early: after the n-th failure the endpoint waits at least 80 % (jitter) of 100 ms * 2^(n-1).
        for (var n = 1; n < attempts.Count; n++)
        {
            var previousEnd = attempts[n - 1].GetProperty("startedAt").GetDateTimeOffset().AddMilliseconds(attempts[n - 1].GetProperty("durationMs").GetInt64());
            var waited = attempts[n].GetProperty("startedAt").GetDateTimeOffset() - previousEnd;
            Assert.True(waited.TotalMilliseconds >= (0.8 * 100 * Math.Pow(2, n - 1)) - 2, $"attempt {n + 1} came {waited.TotalMilliseconds} ms after attempt {n}");
        }
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_is_retried()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var webhook = await fixture.SubscribeAsync(key, "slow", ["*"]);
        fixture.Receiver.Behave("slow", async n =>
        {
            if (n == 1)
            {
                await Task.Delay(3000);
            }

            return 200;
        });

        var id = await fixture.PublishAsync(Completed, account, Guid.NewGuid());

        await Wait.ForAsync(
            async () => await fixture.TryDeliveryAsync(key, webhook.Id, id) is { } d && d.GetProperty("delivery").GetProperty("status").GetString() == "succeeded",
            "the retry after the timeout");
        var attempts = (await fixture.DeliveryAsync(key, webhook.Id, id)).GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Contains("timed out", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, attempts[1].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task After_the_last_attempt_a_delivery_is_dead_lettered_the_queue_moves_on_and_a_replay_delivers_it()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var webhook = await fixture.SubscribeAsync(key, "a", ["*"]);
        fixture.Receiver.Behave("a", n => Task.FromResult(n <= 4 ? 503 : 200));

        var first = await fixture.PublishAsync(Completed, account, Guid.NewGuid());
        var second = await fixture.PublishAsync(Completed, account, Guid.NewGuid());

        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Any(r => r.EventId == second.ToString("D")), "the next event after the dead letter");
        using (var dead = await fixture.Host.Client.SendAsync(Request(HttpMethod.Get, $"/v1/webhooks/{webhook.Id}/deliveries?status=dead", key), Cancel))
        {
            var item = Assert.Single((await ReadJsonAsync(dead, 200)).GetProperty("items").EnumerateArray());
            Assert.Equal(first.ToString("D"), item.GetProperty("eventId").GetString());
            Assert.Equal(4, item.GetProperty("attempts").GetInt32());
            Assert.Equal(503, item.GetProperty("lastStatusCode").GetInt32());
        }

        using var replay = await fixture.Host.Client.SendAsync(
            Request(HttpMethod.Post, $"/v1/webhooks/{webhook.Id}/replay", key, new { eventIds = new[] { first.ToString("D") } }), Cancel);
        Assert.Equal(1, (await ReadJsonAsync(replay, 202)).GetProperty("queued").GetInt32());

        await Wait.ForAsync(() => fixture.Receiver.Accepted("a").Any(r => r.EventId == first.ToString("D")), "the replayed event");
        var replayed = fixture.Receiver.Accepted("a").Single(r => r.EventId == first.ToString("D"));
        Assert.Contains("replay", replayed.DeliveryId, StringComparison.Ordinal);
        Assert.Equal(first.ToString("D"), replayed.Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_failing_or_hanging_endpoint_does_not_hold_back_another_accounts_deliveries()
    {
        await using var fixture = await Fixture.StartAsync();
        var (stuck, stuckKey) = await fixture.AccountAsync();
        var (healthy, healthyKey) = await fixture.AccountAsync();
        await fixture.SubscribeAsync(stuckKey, "stuck", ["*"]);
        await fixture.SubscribeAsync(healthyKey, "healthy", ["*"]);
        fixture.Receiver.Behave("stuck", async _ =>
        {
            await Task.Delay(5000);
            return 500;
        });

        for (var i = 0; i < 10; i++)
        {
            await fixture.PublishAsync(Completed, stuck, Guid.NewGuid());
        }

        var expected = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            expected.Add((await fixture.PublishAsync(Failed, healthy, Guid.NewGuid())).ToString("D"));
        }

        await Wait.ForAsync(() => fixture.Receiver.Accepted("healthy").Count == 20, "every delivery of the healthy account");
        Assert.Equal(expected, fixture.Receiver.Accepted("healthy").Select(r => r.EventId));
        Assert.Empty(fixture.Receiver.Accepted("stuck"));
    }

    [Fact]
    public async Task An_endpoint_gets_only_its_own_accounts_events_of_the_types_it_asked_for()
    {
        await using var fixture = await Fixture.StartAsync();
        var (account, key) = await fixture.AccountAsync();
        var (other, _) = await fixture.AccountAsync();
        await fixture.SubscribeAsync(key, "completed-only", [Completed]);
        await fixture.SubscribeAsync(key, "everything", ["*"]);

        var completed = await fixture.PublishAsync(Completed, account, Guid.NewGuid());
        var failed = await fixture.PublishAsync(Failed, account, Guid.NewGuid());
        await fixture.PublishAsync(Completed, other, Guid.NewGuid());
        var last = await fixture.PublishAsync(Failed, account, Guid.NewGuid());

        await Wait.ForAsync(() => fixture.Receiver.Accepted("everything").Count == 3, "the account's three events");
        await Task.Delay(300, Cancel);
        Assert.Equal([completed, failed, last], fixture.Receiver.Accepted("everything").Select(r => Guid.Parse(r.EventId)));
        Assert.Equal([completed], fixture.Receiver.Accepted("completed-only").Select(r => Guid.Parse(r.EventId)));
    }

    /// <summary>A standalone Billing host (events module inside) and a receiver, for one test.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private EventsEnvironment _environment = null!;

        public BillingHost Host { get; private set; } = null!;

        public WebhookReceiver Receiver { get; private set; } = null!;

        public static async Task<Fixture> StartAsync()
        {
            var fixture = new Fixture { _environment = await EventsEnvironment.CreateAsync("standalone") };
            fixture.Host = await BillingHost.StartAsync(fixture._environment.Settings);
            fixture.Receiver = await WebhookReceiver.StartAsync();
            return fixture;
        }

        public async Task<(Guid Account, string Key)> AccountAsync()
        {
            var (account, key) = await Host.CreateAccountAsync();
            return (Guid.Parse(account), key);
        }

        public async Task<(string Id, string Secret)> SubscribeAsync(string key, string endpoint, string[] eventTypes)
        {
            using var response = await Host.Client.SendAsync(Request(HttpMethod.Post, "/v1/webhooks", key, new { url = Receiver.Url(endpoint), eventTypes }));
            var created = await ReadJsonAsync(response, 201);
            return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
        }

        public Task<Guid> PublishAsync(string type, Guid account, Guid subject) =>
            CatalogueRecords.PublishAsync(Host, CatalogueRecords.Sample(EventCatalogue.FindByType(type)!, account, subject));

        public async Task<JsonElement> DeliveryAsync(string key, string webhookId, Guid eventId) =>
            await TryDeliveryAsync(key, webhookId, eventId) ?? throw new InvalidOperationException($"No delivery of event {eventId}.");

        /// <summary>The delivery of <paramref name="eventId"/> with its attempts; null while the event is not logged yet.</summary>
        public async Task<JsonElement?> TryDeliveryAsync(string key, string webhookId, Guid eventId)
        {
            using var list = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/v1/webhooks/{webhookId}/deliveries?eventId={eventId:D}", key));
            var items = (await ReadJsonAsync(list, 200)).GetProperty("items");
            if (items.GetArrayLength() == 0)
            {
                return null;
            }

            var deliveryId = items[0].GetProperty("id").GetString();
            using var detail = await Host.Client.SendAsync(Request(HttpMethod.Get, $"/v1/webhooks/{webhookId}/deliveries/{Uri.EscapeDataString(deliveryId!)}", key));
            return await ReadJsonAsync(detail, 200);
        }

        public async ValueTask DisposeAsync()
        {
            await Receiver.DisposeAsync();
            await Host.DisposeAsync();
            await _environment.DisposeAsync();
        }
    }
}
