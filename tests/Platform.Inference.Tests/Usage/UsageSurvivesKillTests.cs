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
    [Fact]
    public async Task Usage_answered_before_a_kill_reaches_Billing_after_the_restart()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var platform = await MeteredInference.StartAsync();
        var (accountId, key) = await platform.CreateAccountAsync(1_000_000_000, cancel);

        // Hold the relay off: the outbox keeps every report Inference commits.
        // Unpooled: closing must end the session, or a pooled session would keep the lock.
        await using var relayLock = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.Databases.ConnectionStringFor("inference")) { Pooling = false }.ConnectionString);
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
            using var response = await platform.Inference.Client.SendAsync(
                Request(HttpMethod.Post, "/v1/embeddings", key, new { model = MeteredInference.Model, input = new[] { texts[i % texts.Length], $"request {i}" } }), cancel);
            var body = await ReadJsonAsync(response, 200);
            Interlocked.Add(ref answeredTokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
        }));

        Assert.True(await OutboxRowsAsync(platform.Databases, cancel) > 0, "The answered requests' usage should be committed in Inference's outbox.");
        Assert.Equal(0, await BilledTokensAsync(platform.Billing, key, cancel));

        await platform.KillAndRestartInferenceAsync(whileDown: async () =>
        {
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", relayLock))
            {
                release.Parameters.AddWithValue("key", OutboxRelay.RelayLockKey);
                Assert.True((bool)(await release.ExecuteScalarAsync(cancel))!);
            }

            await relayLock.CloseAsync();
        });

        var billed = 0L;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && billed < answeredTokens;)
        {
            await Task.Delay(200, cancel);
            billed = await BilledTokensAsync(platform.Billing, key, cancel);
        }

        Assert.Equal(answeredTokens, billed);
        Assert.Equal(0, await OutboxRowsAsync(platform.Databases, cancel));
        // Charged once, at 1 micro-credit per token.
        Assert.Equal(answeredTokens, 1_000_000_000 - await platform.AvailableAsync(accountId, cancel));
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
