using Microsoft.Extensions.DependencyInjection;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;
using Platform.Storage;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// Nothing is lost when Billing (ledger, outbox relay, events module, webhook dispatcher: one process)
/// is killed mid-stream: every event of every ledger change that committed reaches the webhook endpoint
/// and the topic, exactly one event per change (a command retried after the crash is a replay and
/// publishes nothing), and events about one subject arrive in the order they happened. Repeats carry
/// the same id and are dropped by id, as a receiver would.
/// </summary>
public sealed class CrashTests
{
    private const int Subjects = 40;

    [Fact]
    public async Task Killing_Billing_mid_stream_loses_no_event_and_keeps_the_order_per_subject()
    {
        await using var environment = await EventsEnvironment.CreateAsync("distributed");
        environment.Settings["Events:Webhooks:LeaseMs"] = "3000";
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var topic = await TopicListener.StartAsync(environment.VirtualHost!.Name, [("platform.billing", "platform.billing.credits.#")]);
        var variables = environment.ProcessEnvironment();
        var dll = RepositoryPaths.ServiceDll("Billing");
        var billing = await ServiceProcess.StartAsync("billing", dll, variables);
        try
        {
            var (accountId, key) = await CreateAccountWithKeyAsync(billing.Client);
            using (var deposit = await billing.Client.SendAsync(Request(
                HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey, new { transferId = "d1", amount = 1_000_000 })))
            {
                await ReadJsonAsync(deposit, 201);
            }

            using (var subscribe = await billing.Client.SendAsync(Request(
                HttpMethod.Post, "/v1/webhooks", key, new { url = receiver.Url("crash"), eventTypes = new[] { "*" } })))
            {
                await ReadJsonAsync(subscribe, 201);
            }

            // The client keeps going through the crash: a command whose answer was lost is sent again
            // with the same transfer id (the ledger answers the first result and changes nothing).
            using var client = new HttpClient { BaseAddress = billing.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var driver = Task.Run(async () =>
            {
                for (var i = 0; i < Subjects; i++)
                {
                    await SendUntilAnsweredAsync(client, key, "/v1/reservations", new { transferId = $"r{i}", amount = 1_000 });
                    await SendUntilAnsweredAsync(client, key, $"/v1/reservations/r{i}/capture", new { amount = 400 });
                }
            });

            await Wait.ForAsync(() => receiver.Accepted("crash").Count >= 16 || driver.IsCompleted, "the stream to be under way");
            billing.Kill();
            var deliveredBeforeKill = receiver.Accepted("crash").Count;
            await billing.DisposeAsync();
            billing = await ServiceProcess.StartAsync("billing", dll, variables, [billing.BaseAddress.ToString().TrimEnd('/')]);
            await driver;

            await Wait.ForAsync(() => receiver.Accepted("crash").Count >= 2 * Subjects, "every event at the webhook", 90);
            await Wait.ForAsync(() => topic.Messages.Select(m => m.MessageId).Distinct().Count() >= 2 * Subjects, "every event on the topic", 90);
            await Task.Delay(500, TestContext.Current.CancellationToken);

            Assert.True(deliveredBeforeKill < 2 * Subjects, "Billing should have been killed mid-stream");
            var webhook = receiver.Accepted("crash").Select(r => (r.EventId, r.EventType, r.Subject)).ToList();
            var onTopic = topic.Messages.DistinctBy(m => m.MessageId)
                .Select(m => (m.MessageId!, m.RoutingKey, m.Json.GetProperty("subject").GetString()!)).ToList();
            foreach (var (name, events) in new[] { ("webhook", webhook), ("topic", onTopic) })
            {
                Assert.Equal(2 * Subjects, events.Count);
                foreach (var subject in events.GroupBy(e => e.Item3))
                {
                    Assert.Equal(
                        ["platform.billing.credits.reserved.v1", "platform.billing.credits.captured.v1"],
                        subject.Select(e => e.Item2).ToList());
                }

                Assert.Equal(Subjects, events.Select(e => e.Item3).Distinct().Count());
                Assert.True(events.Select(e => e.Item1).Distinct().Count() == events.Count, $"{name}: one id per event");
            }

            Assert.Equal(webhook.Select(e => e.EventId).Order(), onTopic.Select(e => e.Item1).Order());
        }
        finally
        {
            await billing.DisposeAsync();
        }
    }

    // Subjects with six events of three types (a run: started, four steps, completed), so the relay's
    // pipelining is tested where it could reorder: one subject's messages go to three exchanges, and
    // other subjects' messages are in flight between them. The records are written by this process
    // into Billing's outbox (as the Agents service writes its own) while the Billing process relays,
    // ingests and delivers them; it is killed mid-stream and started again.
    [Fact]
    public async Task Killing_the_relay_mid_stream_keeps_the_order_of_subjects_with_many_events()
    {
        const int runs = 20;
        const int steps = 4;
        const int perRun = steps + 2;
        await using var environment = await EventsEnvironment.CreateAsync("distributed");
        environment.Settings["Events:Webhooks:LeaseMs"] = "3000";
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var topic = await TopicListener.StartAsync(environment.VirtualHost!.Name, [("platform.agents", "#")]);
        var variables = environment.ProcessEnvironment();
        var dll = RepositoryPaths.ServiceDll("Billing");
        var billing = await ServiceProcess.StartAsync("billing", dll, variables);
        await using var database = Database.Create(PlatformServices.Billing, new StorageOptions
        {
            Provider = DatabaseProvider.Postgres,
            Postgres = environment.Settings["Storage:Postgres"]!,
            DatabasePrefix = environment.Settings["Storage:DatabasePrefix"]!,
        }, connectionStringOverride: null);
        var outbox = new TransactionalOutbox(new ServiceCollection().BuildServiceProvider(), [], TimeProvider.System);
        try
        {
            var (accountId, key) = await CreateAccountWithKeyAsync(billing.Client);
            using (var subscribe = await billing.Client.SendAsync(Request(
                HttpMethod.Post, "/v1/webhooks", key, new { url = receiver.Url("runs"), eventTypes = new[] { "*" } })))
            {
                await ReadJsonAsync(subscribe, 201);
            }

            // Step by step across all runs, each event committed before the next: the outbox's sequence is
            // each run's order. The writer goes on through the kill (the database stays up).
            var account = Guid.Parse(accountId);
            var runIds = Enumerable.Range(0, runs).Select(_ => Guid.NewGuid()).ToArray();
            var writer = Task.Run(async () =>
            {
                for (var position = 0; position < perRun; position++)
                {
                    foreach (var run in runIds)
                    {
                        await using var connection = await database.OpenAsync();
                        await using var transaction = await connection.BeginTransactionAsync();
                        await outbox.PublishAsync(CatalogueRecords.RunEvent(run, account, position, steps), connection, transaction, CancellationToken.None);
                        await transaction.CommitAsync();
                        await Task.Delay(5);
                    }
                }
            });

            await Wait.ForAsync(() => receiver.Accepted("runs").Count >= 30 || writer.IsCompleted, "the stream to be under way");
            billing.Kill();
            var deliveredBeforeKill = receiver.Accepted("runs").Count;
            await billing.DisposeAsync();
            billing = await ServiceProcess.StartAsync("billing", dll, variables, [billing.BaseAddress.ToString().TrimEnd('/')]);
            await writer;

            await Wait.ForAsync(() => receiver.Accepted("runs").Count >= runs * perRun, "every event at the webhook", 90);
            await Wait.ForAsync(() => topic.Messages.Select(m => m.MessageId).Distinct().Count() >= runs * perRun, "every event on the topic", 90);
            await Task.Delay(500, TestContext.Current.CancellationToken);

            Assert.True(deliveredBeforeKill < runs * perRun, "Billing should have been killed mid-stream");
            // At least once: a repeat has the same event id and is dropped by id, as a receiver would.
            var webhook = receiver.Accepted("runs").Select(r => (Id: r.EventId, r.Json)).ToList();
            var onTopic = topic.Messages.DistinctBy(m => m.MessageId).Select(m => (Id: m.MessageId!, m.Json)).ToList();
            foreach (var (name, events) in new[] { ("webhook", webhook), ("topic", onTopic) })
            {
                Assert.Equal(runs * perRun, events.Count);
                foreach (var subject in events.GroupBy(e => e.Json.GetProperty("subject").GetString()))
                {
                    var order = subject.Select(e => e.Json.GetProperty("type").GetString() == "platform.agents.run.step.completed.v1"
                        ? $"step {e.Json.GetProperty("data").GetProperty("stepIndex").GetInt32()}"
                        : e.Json.GetProperty("type").GetString()).ToList();
                    Assert.True(
                        order.SequenceEqual(["platform.agents.run.started.v1", "step 0", "step 1", "step 2", "step 3", "platform.agents.run.completed.v1"]),
                        $"{name}: {subject.Key} arrived as {string.Join(", ", order)}");
                }

                Assert.Equal(runs, events.Select(e => e.Json.GetProperty("subject").GetString()).Distinct().Count());
            }

            Assert.Equal(webhook.Select(e => e.Id).Order(), onTopic.Select(e => e.Id).Order());
        }
        finally
        {
            await billing.DisposeAsync();
        }
    }

    private static async Task SendUntilAnsweredAsync(HttpClient client, string key, string path, object body)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.SendAsync(Request(HttpMethod.Post, path, key, body));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                if ((int)response.StatusCode < 500 || attempt > 300)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && attempt <= 300)
            {
                // Billing is down (killed) or restarting: the same command again, shortly.
            }

            await Task.Delay(200);
        }
    }
}
