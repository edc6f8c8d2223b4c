using System.Collections.Concurrent;
using System.Net;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Billing.Tests;

/// <summary>
/// Billing (its own process, PostgreSQL) is killed in the middle of a reserve+capture load over
/// HTTP and restarted; clients retry everything that failed or got no answer, with the same
/// transfer ids. Every transfer must be applied exactly once: the rows and the balances say so.
/// </summary>
public sealed class BillingCrashTests : IAsyncLifetime
{
    private const int Pairs = 400;
    private const int Workers = 16;
    private readonly PostgresBillingProcess _billing = new();
    private volatile HttpClient _client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _billing.InitializeAsync();

    public async ValueTask DisposeAsync() => await _billing.DisposeAsync();

    [Fact]
    public async Task A_killed_and_restarted_Billing_applies_every_retried_transfer_exactly_once()
    {
        const long deposit = 1_000_000_000;
        var (accountId, key) = await _billing.CreateFundedAccountAsync(deposit);
        _client = _billing.Client;
        var next = -1;
        var completed = 0;
        var replays = 0;
        var failedAttempts = 0;
        ServiceProcess? restarted = null;

        async Task SendUntilDoneAsync(string path, object body)
        {
            for (var attempt = 0; ; attempt++)
            {
                Cancel.ThrowIfCancellationRequested();
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    using var response = await _client.SendAsync(Request(HttpMethod.Post, path, key, body), timeout.Token);
                    if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                    {
                        var json = await ReadJsonAsync(response, (int)response.StatusCode);
                        if (json.GetProperty("replayed").GetBoolean())
                        {
                            Interlocked.Increment(ref replays);
                        }

                        return;
                    }

                    // Only a server that is going away may refuse; anything else is a real failure.
                    Assert.True((int)response.StatusCode >= 500, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !Cancel.IsCancellationRequested)
                {
                    // No answer: the request may or may not have been applied. Retrying with the same id is always safe.
                }

                Interlocked.Increment(ref failedAttempts);
                Assert.True(attempt < 400, $"{path} never succeeded");
                await Task.Delay(50, Cancel);
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Pairs; i = Interlocked.Increment(ref next))
            {
                await SendUntilDoneAsync("/v1/reservations", new { transferId = $"r{i}", amount = 1_000 + i, timeoutSeconds = 600 });
                await SendUntilDoneAsync($"/v1/reservations/r{i}/capture", new { transferId = $"c{i}", amount = 500 + i });
                Interlocked.Increment(ref completed);
            }
        })).ToList();

        // Kill mid-load, as a crash would, then bring up a new process on the same database.
        while (Volatile.Read(ref completed) < Pairs / 3)
        {
            await Task.Delay(5, Cancel);
        }

        _billing.Service.Kill();
        var killedAt = Volatile.Read(ref completed);
        restarted = await _billing.StartAsync();
        _client = restarted.Client;
        await Task.WhenAll(workers);

        try
        {
            Assert.InRange(killedAt, Pairs / 3, Pairs - 1);
            Assert.True(failedAttempts > 0, "The crash should have failed some requests.");
            var reserves = await CountAsync(restarted.Client, key, "reserve");
            var captures = await CountAsync(restarted.Client, key, "capture");
            Assert.Equal((Pairs, Pairs), (reserves, captures));

            using var balanceResponse = await restarted.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", key), Cancel);
            var balance = await ReadJsonAsync(balanceResponse, 200);
            var captured = Enumerable.Range(0, Pairs).Sum(i => 500L + i);
            Assert.Equal(captured, balance.GetProperty("debitsPosted").GetInt64());
            Assert.Equal(0, balance.GetProperty("debitsPending").GetInt64());
            Assert.Equal(deposit - captured, balance.GetProperty("available").GetInt64());

            using var check = await restarted.Client.SendAsync(Request(HttpMethod.Get, "/v1/ledger/check", PlatformSettings.AdminKey), Cancel);
            Assert.True((await ReadJsonAsync(check, 200)).GetProperty("ok").GetBoolean());
            TestContext.Current.SendDiagnosticMessage($"killed after {killedAt} pairs; {failedAttempts} failed attempts retried; {replays} replays");
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    private static async Task<int> CountAsync(HttpClient client, string key, string kind)
    {
        var count = 0;
        string? after = null;
        do
        {
            var path = $"/v1/transfers?kind={kind}&limit=1000" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            using var response = await client.SendAsync(Request(HttpMethod.Get, path, key), Cancel);
            var page = await ReadJsonAsync(response, 200);
            count += page.GetProperty("items").GetArrayLength();
            after = page.TryGetProperty("next", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return count;
    }
}
