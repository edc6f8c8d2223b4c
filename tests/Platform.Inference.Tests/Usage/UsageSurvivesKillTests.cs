using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Messaging.Outbox;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Inference.Tests.Usage;

/// <summary>
/// Usage that Inference accepted (the embeddings were answered) reaches Billing even when Inference is
/// killed before it could publish: distributed mode, Billing and Inference as their own processes on
/// PostgreSQL and RabbitMQ. The test holds the outbox relay's advisory lock, so nothing is published
/// while Inference runs; it checks the reports are committed in Inference's outbox table and absent
/// from Billing, kills Inference (SIGKILL), lets go of the lock and starts Inference again: the new
/// process's relay publishes them and Billing charges every token exactly once.
/// </summary>
public sealed class UsageSurvivesKillTests
{
    // OutboxRelay's advisory lock key (shared/Platform.Messaging/Outbox/OutboxRelay.cs): the relay
    // publishes only while it holds this lock on its database.

    private const string Model = "platform-embed-256";

    [Fact]
    public async Task Usage_answered_before_a_kill_reaches_Billing_after_the_restart()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var vhost = await TestServers.CreateVirtualHostAsync();
        await using var databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(vhost, databases);
        environment["Inference__Device"] = "cpu";
        environment[$"Billing__Prices__Models__{Model}__EmbeddingPerMillionTokens"] = "1000000";

        await using var billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), environment);
        var inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), environment);
        try
        {
            var (accountId, key) = await CreateAccountWithKeyAsync(billing.Client);
            using (var deposit = await billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = 1_000_000_000 }), cancel))
            {
                await ReadJsonAsync(deposit, 201);
            }

            // Hold the relay off: the outbox keeps every report Inference commits.
            // Unpooled: closing must end the session, or a pooled session would keep the lock.
            await using var relayLock = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(databases.ConnectionStringFor("inference")) { Pooling = false }.ConnectionString);
            await relayLock.OpenAsync(cancel);
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", relayLock))
            {
                take.Parameters.AddWithValue("key", OutboxRelay.RelayLockKey);
                await take.ExecuteScalarAsync(cancel);
            }

            var answeredTokens = 0L;
            var texts = new[] { "zip archiver", "web browser with tabs", "documentation for the C compiler", "spell checker for German" };
            await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
            {
                using var response = await inference.Client.SendAsync(
                    Request(HttpMethod.Post, "/v1/embeddings", key, new { model = Model, input = new[] { texts[i % texts.Length], $"request {i}" } }), cancel);
                var body = await ReadJsonAsync(response, 200);
                Interlocked.Add(ref answeredTokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
            }));

            Assert.True(await OutboxRowsAsync(databases, cancel) > 0, "The answered requests' usage should be committed in Inference's outbox.");
            Assert.Equal(0, await BilledTokensAsync(billing, key, cancel));

            inference.Kill();
            await inference.DisposeAsync();
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", relayLock))
            {
                release.Parameters.AddWithValue("key", OutboxRelay.RelayLockKey);
                Assert.True((bool)(await release.ExecuteScalarAsync(cancel))!);
            }

            await relayLock.CloseAsync();

            inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), environment);
            var billed = 0L;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && billed < answeredTokens;)
            {
                await Task.Delay(200, cancel);
                billed = await BilledTokensAsync(billing, key, cancel);
            }

            Assert.Equal(answeredTokens, billed);
            Assert.Equal(0, await OutboxRowsAsync(databases, cancel));
            // Charged once, at 1 micro-credit per token (summed reports round up once per report, so at most a few over).
            using var balance = await billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", PlatformSettings.AdminKey), cancel);
            var charged = 1_000_000_000 - (await ReadJsonAsync(balance, 200)).GetProperty("available").GetInt64();
            Assert.Equal(answeredTokens, charged);
        }
        finally
        {
            await inference.DisposeAsync();
        }
    }

    private static async Task<long> OutboxRowsAsync(PostgresDatabases databases, CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(databases.ConnectionStringFor("inference"));
        await connection.OpenAsync(cancel);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_messages", connection);
        return (long)(await count.ExecuteScalarAsync(cancel))!;
    }

    private static async Task<long> BilledTokensAsync(ServiceProcess billing, string key, CancellationToken cancel)
    {
        using var response = await billing.Client.SendAsync(Request(HttpMethod.Get, "/v1/usage/totals", key), cancel);
        var totals = await ReadJsonAsync(response, 200);
        return totals.EnumerateArray().Sum(day => day.GetProperty("embeddingTokens").GetInt64());
    }
}
