using System.Collections.Concurrent;
using Dapper;
using Platform.Events.Catalogue;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// Two Billing instances (each with its outbox relay, event ingestion and webhook dispatcher) against one
/// database and one broker, as Billing scales out. The guarantee tested: while instances run and stop
/// gracefully, every event reaches each subscription exactly once (one 2xx per subscription and event id),
/// in order per subject. (Across a crash it is at least once with the same event id: see CrashTests.)
/// </summary>
public sealed class MultiInstanceTests
{
    private const int RunsPerAccount = 4;
    private const int Steps = 4;
    private const int PerRun = Steps + 2;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_deliver_every_event_exactly_once_per_subscription_in_order_per_subject()
    {
        await using var environment = await EventsEnvironment.CreateAsync("distributed");
        // Each instance works at most two endpoints at a time, so with five endpoints both instances deliver.
        environment.Settings["Events:Webhooks:MaxConcurrentEndpoints"] = "2";
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = await BillingHost.StartAsync(environment.Settings);
        await using var second = await BillingHost.StartAsync(environment.Settings);
        var firstStopped = false;
        try
        {
            // Four accounts; the first has two endpoints, each of which must get each of its events once.
            var endpoints = new List<(Guid Account, string Endpoint)>();
            for (var a = 0; a < 4; a++)
            {
                var (accountId, key) = await first.CreateAccountAsync();
                foreach (var endpoint in a == 0 ? new[] { $"a{a}-1", $"a{a}-2" } : [$"a{a}"])
                {
                    using var subscribe = await first.Client.SendAsync(Request(
                        HttpMethod.Post, "/v1/webhooks", key, new { url = receiver.Url(endpoint), eventTypes = new[] { "*" } }), Cancel);
                    await ReadJsonAsync(subscribe, 201);
                    endpoints.Add((Guid.Parse(accountId), endpoint));
                }
            }

            var accounts = endpoints.Select(e => e.Account).Distinct().ToArray();
            var runs = accounts.SelectMany(account => Enumerable.Range(0, RunsPerAccount).Select(_ => (Account: account, Run: Guid.NewGuid()))).ToArray();
            var owners = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            using var sampling = new CancellationTokenSource();
            var sampler = SampleLeaseOwnersAsync(second, owners, sampling.Token);

            // Positions 0-2 of every run through both instances' outboxes in turn, then the first instance stops
            // (gracefully) while those are still being relayed, ingested and delivered; positions 3-5 go
            // through the second alone, which takes over ingestion and the first's endpoints.
            var written = 0;
            for (var position = 0; position < PerRun; position++)
            {
                if (position == 3)
                {
                    await Wait.ForAsync(() => receiver.Received.Count >= 20, "deliveries from the first half to be under way");
                    await first.StopAsync();
                    await first.DisposeAsync();
                    firstStopped = true;
                }

                foreach (var (account, run) in runs)
                {
                    var host = !firstStopped && written % 2 == 0 ? first : second;
                    await CatalogueRecords.PublishAsync(host, CatalogueRecords.RunEvent(run, account, position, Steps));
                    written++;
                }
            }

            var expected = endpoints.ToDictionary(e => e.Endpoint, e => runs.Count(r => r.Account == e.Account) * PerRun);
            await Wait.ForAsync(() => expected.All(e => receiver.Accepted(e.Key).Count >= e.Value), "every event at every endpoint", 90);
            // Whatever would arrive twice has had time to.
            await Task.Delay(1500, Cancel);
            await sampling.CancelAsync();
            await sampler;

            foreach (var (endpoint, count) in expected)
            {
                var accepted = receiver.For(endpoint).Where(r => r.AnsweredStatus is >= 200 and < 300).ToList();
                var repeated = accepted.GroupBy(r => r.EventId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                Assert.True(repeated.Count == 0, $"{endpoint}: {repeated.Count} events delivered more than once ({string.Join(", ", repeated.Take(3))})");
                Assert.Equal(count, accepted.Count);
                foreach (var subject in accepted.GroupBy(r => r.Subject))
                {
                    var order = subject.Select(Position).ToList();
                    Assert.True(order.SequenceEqual(Enumerable.Range(0, PerRun)), $"{endpoint}: {subject.Key} arrived as {string.Join(", ", order)}");
                }
            }

            Assert.True(owners.Count >= 2, $"both instances should have delivered (lease owners seen: {string.Join(", ", owners.Keys)})");
        }
        finally
        {
            if (!firstStopped)
            {
                await first.DisposeAsync();
            }
        }
    }

    /// <summary>Records which dispatchers (each instance has its own lease owner id) hold endpoints while the test runs.</summary>
    private static async Task SampleLeaseOwnersAsync(BillingHost host, ConcurrentDictionary<string, bool> owners, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using (var connection = await host.Database.OpenAsync(cancellationToken))
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    foreach (var owner in await connection.QueryAsync<string>(new CommandDefinition(
                        "SELECT lease_owner FROM webhook_subscriptions WHERE lease_until > @now AND lease_owner IS NOT NULL",
                        new { now }, cancellationToken: cancellationToken)))
                    {
                        owners[owner] = true;
                    }
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Done sampling.
        }
    }

    private static int Position(ReceivedWebhook webhook) => webhook.EventType switch
    {
        "platform.agents.run.started.v1" => 0,
        "platform.agents.run.completed.v1" => PerRun - 1,
        _ => webhook.Json.GetProperty("data").GetProperty("stepIndex").GetInt32() + 1,
    };
}
