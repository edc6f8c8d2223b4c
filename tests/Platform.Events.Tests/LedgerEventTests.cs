using System.Text.Json;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>
/// Billing's ledger publishes its events through its outbox in the batch's transaction: one per
/// change, none for a replayed command, and a low-balance event once per crossing of the threshold.
/// </summary>
public sealed class LedgerEventTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Modes => ["standalone", "distributed"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Each_ledger_change_publishes_one_event_and_a_replayed_command_none(string mode)
    {
        await using var environment = await EventsEnvironment.CreateAsync(mode);
        await using var host = await BillingHost.StartAsync(environment.Settings);
        var (accountId, key) = await host.CreateAccountAsync();
        await host.DepositAsync(accountId, "d1", 1_000_000);

        // Every command twice: the second is a replay (same id, same body) and changes nothing.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await PostAsync(host, key, "/v1/reservations", new { transferId = "r1", amount = 300_000 });
            await PostAsync(host, key, "/v1/reservations/r1/capture", new { amount = 100_000 });
            await PostAsync(host, key, "/v1/reservations", new { transferId = "r2", amount = 50_000 });
            await PostAsync(host, key, "/v1/reservations/r2/release", new { });
        }

        await PostAsync(host, key, "/v1/reservations", new { transferId = "r3", amount = 7_000, timeoutSeconds = 1 });

        IReadOnlyList<JsonElement> events = [];
        await Wait.ForAsync(async () => (events = await EventLogClient.ReadAllAsync(host.Client, key)).Count >= 6, "six ledger events");
        await Task.Delay(500, Cancel);
        events = await EventLogClient.ReadAllAsync(host.Client, key);

        string Subject(string reservation) => $"accounts/{accountId}/reservations/{reservation}";
        // Order is promised per subject (the relay publishes different subjects concurrently), so each
        // reservation's events are checked in order, and together they are exactly these six.
        string[] Types(string reservation) =>
            [.. events.Where(e => e.GetProperty("subject").GetString() == Subject(reservation)).Select(e => e.GetProperty("type").GetString()!)];
        Assert.Equal(["platform.billing.credits.reserved.v1", "platform.billing.credits.captured.v1"], Types("r1"));
        Assert.Equal(["platform.billing.credits.reserved.v1", "platform.billing.credits.released.v1"], Types("r2"));
        Assert.Equal(["platform.billing.credits.reserved.v1", "platform.billing.credits.released.v1"], Types("r3"));
        Assert.Equal(6, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());

        JsonElement Data(string type, string reservation) => events.Single(e =>
            e.GetProperty("type").GetString() == type && e.GetProperty("subject").GetString() == Subject(reservation)).GetProperty("data");
        var captured = Data("platform.billing.credits.captured.v1", "r1");
        Assert.Equal(100_000, captured.GetProperty("captured").GetInt64());
        Assert.Equal(200_000, captured.GetProperty("returned").GetInt64());
        Assert.Equal("r1#capture", captured.GetProperty("transferId").GetString());
        var released = Data("platform.billing.credits.released.v1", "r2");
        Assert.Equal("released", released.GetProperty("reason").GetString());
        Assert.Equal(50_000, released.GetProperty("returned").GetInt64());
        var expired = Data("platform.billing.credits.released.v1", "r3");
        Assert.Equal("expired", expired.GetProperty("reason").GetString());
        Assert.Equal(7_000, expired.GetProperty("returned").GetInt64());
    }

    [Fact]
    public async Task A_low_balance_event_fires_once_per_crossing_and_again_only_after_the_balance_recovered()
    {
        await using var environment = await EventsEnvironment.CreateAsync("standalone");
        await using var host = await BillingHost.StartAsync(environment.Settings);
        var (accountId, key) = await host.CreateAccountAsync();
        await host.DepositAsync(accountId, "d1", 1_000);
        using (var set = await host.Client.SendAsync(Request(HttpMethod.Put, $"/v1/accounts/{accountId}/alerts/low-balance", key, new { threshold = 500 }), Cancel))
        {
            Assert.Equal(550, (await ReadJsonAsync(set, 200)).GetProperty("rearmLevel").GetInt64());
        }

        // Down across the threshold and back up (to 1000, above the re-arm level) and down again: twice.
        // Between, the balance wobbles around the threshold below the re-arm level: no more events.
        await PostAsync(host, key, "/v1/reservations", new { transferId = "a", amount = 600 });      // 400: fires
        await PostAsync(host, key, "/v1/reservations/a/release", new { });                           // 1000: re-arms
        await PostAsync(host, key, "/v1/reservations", new { transferId = "b", amount = 700 });      // 300: fires
        await PostAsync(host, key, "/v1/reservations/b/capture", new { amount = 480 });             // 520: below re-arm
        await PostAsync(host, key, "/v1/reservations", new { transferId = "c", amount = 100 });      // 420: silent
        await PostAsync(host, key, "/v1/reservations/c/release", new { });                           // 520: silent
        await PostAsync(host, key, "/v1/reservations", new { transferId = "d", amount = 100 });      // 420: silent

        IReadOnlyList<JsonElement> low = [];
        await Wait.ForAsync(
            async () => (await EventLogClient.ReadAllAsync(host.Client, key)).Count(e => e.GetProperty("subject").GetString()!.EndsWith("/d", StringComparison.Ordinal)) > 0,
            "the last reservation's event");
        low = await EventLogClient.ReadAllAsync(host.Client, key, "platform.billing.balance.low.v1");
        Assert.Equal([400L, 300L], low.Select(e => e.GetProperty("data").GetProperty("available").GetInt64()));
        Assert.All(low, e => Assert.Equal($"accounts/{accountId}", e.GetProperty("subject").GetString()));
        Assert.All(low, e => Assert.Equal(500, e.GetProperty("data").GetProperty("threshold").GetInt64()));
    }

    private static async Task PostAsync(BillingHost host, string key, string path, object body)
    {
        using var response = await host.Client.SendAsync(Request(HttpMethod.Post, path, key, body), Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }
}
