using System.Text.Json;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// The RabbitMQ side, read as a business system reads it (plain RabbitMQ.Client, as Dapr's
/// pubsub.rabbitmq does): one exchange per topic, routing key = type, CloudEvents bodies that match
/// the envelope schema and their data schema, ids equal to the outbox message ids.
/// </summary>
public sealed class TopicTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_catalogue_event_reaches_its_topic_as_a_CloudEvent_that_matches_its_schemas()
    {
        await using var environment = await EventsEnvironment.CreateAsync("distributed");
        await using var host = await BillingHost.StartAsync(environment.Settings);
        await using var all = await TopicListener.StartAsync(environment.VirtualHost!.Name, [.. EventCatalogue.Topics.Select(t => (t, "#"))]);
        await using var captures = await TopicListener.StartAsync(
            environment.VirtualHost.Name, [("platform.billing", "platform.billing.credits.captured.v1")]);

        // Billing's events from real ledger commands: reserve + capture, reserve + release, and the
        // low-balance alert that the first reservation trips.
        var (accountId, key) = await host.CreateAccountAsync();
        await host.DepositAsync(accountId, "d1", 1_000_000);
        using (var alert = await host.Client.SendAsync(Request(HttpMethod.Put, $"/v1/accounts/{accountId}/alerts/low-balance", key, new { threshold = 900_000 }), Cancel))
        {
            await ReadJsonAsync(alert, 200);
        }

        await SendAsync(host, key, "/v1/reservations", new { transferId = "r1", amount = 200_000 }, 201);
        await SendAsync(host, key, "/v1/reservations/r1/capture", new { amount = 150_000 }, 200);
        await SendAsync(host, key, "/v1/reservations", new { transferId = "r2", amount = 100_000 }, 201);
        await SendAsync(host, key, "/v1/reservations/r2/release", new { }, 200);

        // The other services' records, as their owners publish them (outbox, committed transaction).
        var account = Guid.Parse(accountId);
        var published = new Dictionary<string, (Guid Id, object Record)>();
        foreach (var definition in EventCatalogue.All.Where(d => !CatalogueRecords.IsBilling(d)))
        {
            var record = CatalogueRecords.Sample(definition, account, Guid.NewGuid());
            published[definition.Type] = (await CatalogueRecords.PublishAsync(host, record), record);
        }

        await Wait.ForAsync(
            () => EventCatalogue.All.All(d => all.Messages.Any(m => m.RoutingKey == d.Type)),
            "one message of every catalogue type on the topics");

        var envelope = CloudEventSchema.Create();
        foreach (var message in all.Messages)
        {
            var definition = EventCatalogue.FindByType(message.RoutingKey);
            Assert.NotNull(definition);
            Assert.Equal(definition.Topic, message.Exchange);
            Assert.Equal(CloudEvent.ContentType, message.ContentType);
            Assert.Equal(DeliveryModes.Persistent, message.DeliveryMode);
            var json = message.Json;
            Assert.Empty(SchemaValidator.Validate(envelope, json));
            Assert.Empty(SchemaValidator.Validate(definition.DataSchema, json.GetProperty("data")));
            Assert.Equal(definition.Type, json.GetProperty("type").GetString());
            Assert.Equal(definition.Source, json.GetProperty("source").GetString());
            Assert.Equal(definition.DataSchemaUri, json.GetProperty("dataschema").GetString());
            Assert.Equal(message.MessageId, json.GetProperty("id").GetString());
            Assert.Equal(accountId, json.GetProperty("data").GetProperty("accountId").GetString());
        }

        foreach (var (type, (id, record)) in published)
        {
            var message = Assert.Single(all.Messages, m => m.RoutingKey == type);
            var definition = EventCatalogue.FindByType(type)!;
            Assert.Equal(id.ToString("D"), message.Json.GetProperty("id").GetString());
            Assert.Equal(definition.SubjectOf(record), message.Json.GetProperty("subject").GetString());
            Assert.Equal(JsonSerializer.Serialize(record, definition.RecordType, EventJson.Options), message.Json.GetProperty("data").GetRawText());
        }

        var captured = Assert.Single(all.Messages, m => m.RoutingKey == "platform.billing.credits.captured.v1").Json;
        Assert.Equal($"accounts/{accountId}/reservations/r1", captured.GetProperty("subject").GetString());
        Assert.Equal(150_000, captured.GetProperty("data").GetProperty("captured").GetInt64());
        Assert.Equal(50_000, captured.GetProperty("data").GetProperty("returned").GetInt64());

        // A binding on one routing key gets exactly that type (what a Dapr subscription's routingKey does).
        await Wait.ForAsync(() => !captures.Messages.IsEmpty, "the filtered binding's message");
        await Task.Delay(300, Cancel);
        Assert.All(captures.Messages, m => Assert.Equal("platform.billing.credits.captured.v1", m.RoutingKey));
        Assert.Single(captures.Messages);
    }

    private static async Task SendAsync(BillingHost host, string key, string path, object body, int status)
    {
        using var response = await host.Client.SendAsync(Request(HttpMethod.Post, path, key, body), Cancel);
        await ReadJsonAsync(response, status);
    }
}
