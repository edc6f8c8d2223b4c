using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Contracts.CadGenerator;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Events.Webhooks;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Benchmarks.Scenarios.Events;

/// <summary>
/// Events from commit to webhook receipt: catalogue records are committed through Billing's
/// transactional outbox (PostgreSQL), relayed over RabbitMQ, logged as CloudEvents with their
/// deliveries, published to their topic, and POSTed, signed, to 20 subscriber endpoints (one per
/// account, each with its own ordered queue) on a local Kestrel server. Baseline: the same signed
/// HTTP POSTs (same bodies, same 20 endpoints, one sender per endpoint in order) sent directly.
/// Headline: platform events/s when committing as fast as possible; ratio: platform / direct rate.
/// Also the lag (commit to receipt) at a steady 1,000 events/s offered.
/// </summary>
public sealed class EventsScenario : IScenario
{
    private const int Endpoints = 20;
    private const int Writers = 16;
    private const double PacedRate = 1000;

    public string Name => "events";

    public string Description => "events/s commit -> webhook receipt (outbox, bus, event log, topic, 20 signed endpoints) vs the same POSTs sent directly";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        // The warm-up runs the whole path long enough for the tiered JIT to reach optimised code: the path
        // jits some 28,000 methods (MassTransit, Npgsql, Kestrel, HttpClient, RabbitMQ.Client), and after a
        // warm-up of 400 events, or even 6 seconds, a quarter of the next phase's CPU was still the JIT's.
        var plan = context.Quick
            ? new Plan(WarmUp: TimeSpan.FromSeconds(3), Saturated: 600, PacedSeconds: 2)
            : new Plan(WarmUp: TimeSpan.FromSeconds(20), Saturated: 6000, PacedSeconds: 10);

        var rabbit = RabbitMqEnvironment.FromEnvironment();
        await rabbit.EnsureReachableAsync(ct);
        await using var postgres = await PostgresEnvironment.CreateAsync(ct);
        await using var vhost = await rabbit.CreateVirtualHostAsync("bench-events", ct);
        context.Progress.WriteLine($"RabbitMQ {rabbit.Host}:{rabbit.Port}, virtual host '{vhost.Name}'; PostgreSQL databases '{postgres.Prefix}*' (both deleted at the end)");

        await using var sink = await WebhookSink.StartAsync(ct);
        await using var host = await EventsBillingHost.StartAsync(rabbit, vhost.Name, postgres, ct);
        var accounts = Enumerable.Range(0, Endpoints).Select(_ => Guid.NewGuid()).ToArray();
        var subscriptions = new List<WebhookSubscription>();
        var store = host.Services.GetRequiredService<WebhookStore>();
        for (var i = 0; i < Endpoints; i++)
        {
            var subscription = new WebhookSubscription
            {
                Id = WebhookSecrets.NewSubscriptionId(),
                AccountId = accounts[i].ToString("D"),
                Url = sink.Url(i),
                EventTypes = WebhookSubscription.AllTypes,
                Secret = WebhookSecrets.Create(),
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            };
            await store.CreateAsync(subscription, Endpoints, ct);
            subscriptions.Add(subscription);
        }

        var platform = new PlatformSide(host.Services, accounts, sink);
        context.Progress.WriteLine($"warm-up: events for {plan.WarmUp.TotalSeconds:0} s");
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < plan.WarmUp)
        {
            await platform.RunAsync(500, rate: null, ct);
        }

        var load = new JsonObject { ["before_saturated"] = MachineInfo.ReadLoadAverage() };
        context.Progress.WriteLine($"platform, saturated: {plan.Saturated} events committed by {Writers} writers as fast as they can");
        var saturated = await platform.RunAsync(plan.Saturated, rate: null, ct);
        var saturatedLogged = platform.LastCommitToLogged;
        var saturatedWriters = platform.LastWriters;
        load["before_paced"] = MachineInfo.ReadLoadAverage();
        var pacedCount = (int)(PacedRate * plan.PacedSeconds);
        context.Progress.WriteLine($"platform, paced: {pacedCount} events at {PacedRate:0} events/s offered");
        var paced = await platform.RunAsync(pacedCount, PacedRate, ct);
        load["after_paced"] = MachineInfo.ReadLoadAverage();

        context.Progress.WriteLine($"baseline: the same {plan.Saturated} signed POSTs sent directly, one sender per endpoint");
        var direct = await DirectAsync(sink, subscriptions, accounts, plan.Saturated, ct);

        var results = new JsonObject
        {
            ["stack"] = "outbox (PostgreSQL) -> relay -> RabbitMQ -> events module (event log + deliveries in PostgreSQL, topic publish) -> dispatcher -> signed POST",
            ["endpoints"] = Endpoints,
            ["saturated"] = saturated.ToJson(),
            ["paced_1000_per_s"] = paced.ToJson(),
            ["saturated_commit_to_logged"] = saturatedLogged,
            ["paced_commit_to_logged"] = platform.LastCommitToLogged,
            ["saturated_writers"] = saturatedWriters,
            ["paced_writers"] = platform.LastWriters,
            // The machine is shared: its 1-minute load average around the phases (2 cores; above 2 means others queue for CPU too).
            ["machine_load_1m"] = load,
        };
        var baseline = new JsonObject
        {
            ["stack"] = "the same signed POSTs (same bodies and headers) from this process, one sequential sender per endpoint; latency = one POST",
            ["endpoints"] = Endpoints,
            ["saturated"] = direct.ToJson(),
        };
        return new BenchmarkResult(
            Name,
            new Headline($"platform events/s commit -> webhook receipt, {Endpoints} endpoints", Math.Round(saturated.Throughput, 1), "events/s"),
            direct.Throughput > 0 ? Math.Round(saturated.Throughput / direct.Throughput, 3) : 0,
            results,
            baseline,
            MachineInfo.Current());
    }

    private static async Task<LatencyStats> DirectAsync(
        WebhookSink sink, IReadOnlyList<WebhookSubscription> subscriptions, Guid[] accounts, int count, CancellationToken ct)
    {
        var definition = EventCatalogue.ForRecord(typeof(CadJobCompleted));
        var bodies = Enumerable.Range(0, count)
            .Select(i => CloudEvent.Create(definition, Record(accounts[i % Endpoints]), Guid.NewGuid(), null))
            .ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        var durations = new ConcurrentBag<long>();
        var before = CpuSample.Take();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Endpoints).Select(endpoint => Task.Run(async () =>
        {
            for (var i = endpoint; i < count; i += Endpoints)
            {
                var body = bodies[i].Body;
                var sent = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, subscriptions[endpoint].Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.ContentType) { CharSet = "utf-8" };
                var now = DateTimeOffset.UtcNow;
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(subscriptions[endpoint].SigningSecrets(now.ToUnixTimeMilliseconds()), now.ToUnixTimeSeconds(), body));
                request.Headers.Add(WebhookHeaders.EventId, bodies[i].Id);
                request.Headers.Add(WebhookHeaders.EventType, bodies[i].Type);
                request.Headers.Add(WebhookHeaders.DeliveryId, subscriptions[endpoint].Id + ":" + bodies[i].Id);
                request.Headers.Add(WebhookHeaders.Attempt, "1");
                using var response = await client.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                durations.Add(sink.Arrivals[bodies[i].Id] - sent);
            }
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        return LatencyStats.From(durations, elapsed) with { Cpu = CpuSample.Take() - before };
    }

    private static CadJobCompleted Record(Guid account) =>
        new(Guid.NewGuid(), account, "l-bracket", 1204, 18.5, 512, 2_000_000, DateTimeOffset.UtcNow);

    /// <summary>Commits records through Billing's outbox and waits until every one arrived at its endpoint.</summary>
    private sealed class PlatformSide(IServiceProvider services, Guid[] accounts, WebhookSink sink)
    {
        private readonly Database _database = services.GetRequiredKeyedService<Database>(Platform.Billing.BillingModule.Name);
        private readonly TransactionalOutbox _outbox = services.GetRequiredService<TransactionalOutbox>();

        /// <summary>Lag = receipt - commit per event; throughput = events / (first commit start .. last receipt).</summary>
        public async Task<LatencyStats> RunAsync(int count, double? rate, CancellationToken ct)
        {
            var commits = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var committedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var before = CpuSample.Take();
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (var i = writer; i < count; i += Writers)
                {
                    if (rate is { } perSecond)
                    {
                        var due = started + (long)(i / perSecond * Stopwatch.Frequency);
                        var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                        if (ahead > TimeSpan.FromMilliseconds(1))
                        {
                            await Task.Delay(ahead, ct);
                        }
                    }

                    await using var connection = await _database.OpenAsync(ct);
                    await using var transaction = await connection.BeginTransactionAsync(ct);
                    var id = await _outbox.PublishAsync(Record(accounts[i % Endpoints]), connection, transaction, ct);
                    await transaction.CommitAsync(ct);
                    commits[id.ToString("D")] = Stopwatch.GetTimestamp();
                    committedAt[id.ToString("D")] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                }
            }, ct)));

            // The writers' own pace: when it is below the offered rate, the commits (not the events pipeline) bound the phase.
            var committing = Stopwatch.GetElapsedTime(started);
            LastWriters = new JsonObject
            {
                ["commit_duration_s"] = Math.Round(committing.TotalSeconds, 3),
                ["commits_per_s"] = Math.Round(count / committing.TotalSeconds, 1),
            };

            var deadline = Stopwatch.StartNew();
            while (commits.Keys.Any(id => !sink.Arrivals.ContainsKey(id)))
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException($"{commits.Keys.Count(id => !sink.Arrivals.ContainsKey(id))} of {count} events did not arrive within 3 minutes.");
                }

                await Task.Delay(20, ct);
            }

            var cpu = CpuSample.Take() - before;
            var lastArrival = commits.Keys.Max(id => sink.Arrivals[id]);
            var lags = commits.Select(c => sink.Arrivals[c.Key] - c.Value).ToList();
            LastCommitToLogged = await CommitToLoggedAsync(committedAt, ct);
            return LatencyStats.From(lags, Stopwatch.GetElapsedTime(started, lastArrival)) with { Cpu = cpu };
        }

        /// <summary>
        /// The first half of the lag (commit -> logged by the events module: outbox relay, RabbitMQ, ingestion),
        /// from the event log's wall-clock created_at (ms); the rest is the webhook dispatcher's.
        /// </summary>
        public JsonObject? LastCommitToLogged { get; private set; }

        /// <summary>How long the writers took to commit the phase's events, and their rate.</summary>
        public JsonObject? LastWriters { get; private set; }

        private async Task<JsonObject> CommitToLoggedAsync(ConcurrentDictionary<string, long> committedAt, CancellationToken ct)
        {
            await using var connection = await _database.OpenAsync(ct);
            var logged = (await connection.QueryAsync<LoggedRow>(new CommandDefinition(
                "SELECT id AS Id, created_at AS CreatedAt FROM event_log WHERE id = ANY(@ids)",
                new { ids = committedAt.Keys.ToArray() },
                cancellationToken: ct))).ToList();
            var sorted = logged.Select(r => Math.Max(0, r.CreatedAt - committedAt[r.Id])).Order().ToArray();
            return new JsonObject
            {
                ["count"] = sorted.Length,
                ["p50_ms"] = sorted.Length == 0 ? 0 : LatencyStats.Percentile(sorted, 0.50),
                ["p99_ms"] = sorted.Length == 0 ? 0 : LatencyStats.Percentile(sorted, 0.99),
            };
        }
    }

    private sealed class LoggedRow
    {
        public string Id { get; set; } = "";

        public long CreatedAt { get; set; }
    }

    private sealed record Plan(TimeSpan WarmUp, int Saturated, int PacedSeconds);
}
