using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.ServiceDefaults.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Billing.Tests;

/// <summary>
/// The HTTP surface of the running program: bad input of every kind answers a problem and changes
/// nothing; replays, conflicts, 402s, other accounts' ids; usage, prices, CSV and statements.
/// </summary>
public abstract class BillingHttpTests(BillingProcess billing)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Client => billing.Client;

    public static TheoryData<string, int, string, string> BadReservations => new()
    {
        { """{"transferId":"r1","amount":0}""", 400, ProblemTypes.Validation, "amount" },
        { """{"transferId":"r1","amount":-5}""", 400, ProblemTypes.Validation, "amount" },
        { """{"transferId":"r1","amount":1000000000000001}""", 400, ProblemTypes.Validation, "amount" },
        { """{"transferId":"r1","amount":100000000000000000000000}""", 400, ProblemTypes.MalformedRequest, "amount" },
        { """{"transferId":"r1","amount":1.5}""", 400, ProblemTypes.MalformedRequest, "amount" },
        { """{"transferId":"r1","amount":"ten"}""", 400, ProblemTypes.MalformedRequest, "amount" },
        { """{"transferId":"r1","amount":null}""", 400, ProblemTypes.Validation, "amount" },
        { """{"transferId":"r1"}""", 400, ProblemTypes.Validation, "amount" },
        { """{"amount":10}""", 400, ProblemTypes.Validation, "transferId" },
        { """{"transferId":"has space","amount":10}""", 400, ProblemTypes.Validation, "transferId" },
        { """{"transferId":"","amount":10}""", 400, ProblemTypes.Validation, "transferId" },
        { "{\"transferId\":\"" + new string('a', 129) + "\",\"amount\":10}", 400, ProblemTypes.Validation, "transferId" },
        { """{"transferId":"r1","amount":10,"timeoutSeconds":0}""", 400, ProblemTypes.Validation, "timeoutSeconds" },
        { """{"transferId":"r1","amount":10""", 400, ProblemTypes.MalformedRequest, "" },
        { "", 400, ProblemTypes.MalformedRequest, "" },
    };

    [Theory]
    [MemberData(nameof(BadReservations))]
    public async Task A_bad_reservation_answers_a_problem_and_changes_nothing(string body, int status, string type, string field)
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000);

        using var response = await Client.SendAsync(Raw(HttpMethod.Post, "/v1/reservations", key, body), Cancel);

        var problem = await ReadProblemAsync(response, status, type);
        if (field.Length > 0)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(1_000, await billing.AvailableAsync(accountId, key));
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413_and_changes_nothing()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000);
        var body = "{\"transferId\":\"r1\",\"amount\":10,\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";

        using var request = Raw(HttpMethod.Post, "/v1/reservations", key, body);
        // Wait for the verdict before uploading: otherwise the 413 and the closed connection can race the upload.
        request.Headers.ExpectContinue = true;
        using var response = await Client.SendAsync(request, Cancel);

        await ReadProblemAsync(response, 413, ProblemTypes.PayloadTooLarge);
        Assert.Equal(1_000, await billing.AvailableAsync(accountId, key));
    }

    [Fact]
    public async Task Deposits_need_the_admin_key_and_a_known_account()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(0);

        using (var byAccount = await Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", key, new { transferId = "d", amount = 5 }), Cancel))
        {
            await ReadProblemAsync(byAccount, 403, ProblemTypes.Forbidden);
        }

        using (var unknown = await Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{Guid.NewGuid()}/deposits", PlatformSettings.AdminKey, new { transferId = "d", amount = 5 }), Cancel))
        {
            await ReadProblemAsync(unknown, 404, ProblemTypes.NotFound);
        }

        using (var malformed = await Client.SendAsync(Request(HttpMethod.Post, "/v1/accounts/not-a-guid/deposits", PlatformSettings.AdminKey, new { transferId = "d", amount = 5 }), Cancel))
        {
            await ReadProblemAsync(malformed, 404, ProblemTypes.NotFound);
        }

        Assert.Equal(0, await billing.AvailableAsync(accountId, key));
    }

    [Fact]
    public async Task Replays_answer_the_first_result_conflicts_answer_409_and_credits_move_once()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000);

        using var first = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key, new { transferId = "r1", amount = 300 }), Cancel);
        using var again = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key, new { transferId = "r1", amount = 300 }), Cancel);
        using var other = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key, new { transferId = "r1", amount = 301 }), Cancel);

        var created = await ReadJsonAsync(first, 201);
        var replayed = await ReadJsonAsync(again, 200);
        Assert.False(created.GetProperty("replayed").GetBoolean());
        Assert.True(replayed.GetProperty("replayed").GetBoolean());
        Assert.Equal(created.GetProperty("createdAt").GetString(), replayed.GetProperty("createdAt").GetString());
        await ReadProblemAsync(other, 409, ProblemTypes.IdempotencyConflict);
        Assert.Equal(700, await billing.AvailableAsync(accountId, key));

        using var capture = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/r1/capture", key, new { amount = 120 }), Cancel);
        using var captureAgain = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/r1/capture", key, new { amount = 120 }), Cancel);
        using var captureOther = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/r1/capture", key, new { amount = 121 }), Cancel);
        using var release = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/r1/release", key), Cancel);

        var captured = await ReadJsonAsync(capture, 200);
        Assert.Equal((120L, 180L), (captured.GetProperty("amount").GetInt64(), captured.GetProperty("returned").GetInt64()));
        Assert.True((await ReadJsonAsync(captureAgain, 200)).GetProperty("replayed").GetBoolean());
        await ReadProblemAsync(captureOther, 409, ProblemTypes.IdempotencyConflict);
        await ReadProblemAsync(release, 409, ProblemTypes.Conflict);
        Assert.Equal(880, await billing.AvailableAsync(accountId, key));
    }

    [Fact]
    public async Task Insufficient_credits_answer_402_and_hold_nothing()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(100);

        using var response = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key, new { transferId = "big", amount = 101 }), Cancel);

        var problem = await ReadProblemAsync(response, 402, ProblemTypes.InsufficientCredits);
        Assert.Equal((101L, 100L), (problem.GetProperty("requested").GetInt64(), problem.GetProperty("available").GetInt64()));
        Assert.Equal(100, await billing.AvailableAsync(accountId, key));
    }

    [Fact]
    public async Task Another_accounts_ids_answer_404_like_unknown_ones()
    {
        var (ownerId, ownerKey) = await billing.CreateFundedAccountAsync(1_000);
        var (_, strangerKey) = await billing.CreateFundedAccountAsync(1_000);
        using (var reserved = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", ownerKey, new { transferId = "mine", amount = 100 }), Cancel))
        {
            await ReadJsonAsync(reserved, 201);
        }

        using var capture = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/mine/capture", strangerKey, new { }), Cancel);
        using var release = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/mine/release", strangerKey), Cancel);
        using var balance = await Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{ownerId}/balance", strangerKey), Cancel);
        using var statement = await Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{ownerId}/statement", strangerKey), Cancel);
        using var transfer = await Client.SendAsync(Request(HttpMethod.Get, "/v1/transfers/mine", strangerKey), Cancel);
        using var unknown = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/never/capture", ownerKey, new { }), Cancel);
        using var malformed = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/bad%20id/capture", ownerKey, new { }), Cancel);

        await ReadProblemAsync(capture, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(release, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(balance, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(statement, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(transfer, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(unknown, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(malformed, 400, ProblemTypes.Validation);
        Assert.Equal(900, await billing.AvailableAsync(ownerId, ownerKey));
    }

    [Fact]
    public async Task Usage_is_priced_exactly_listed_totalled_exported_and_the_statement_reconciles()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000_000);
        var model = "model-" + Guid.NewGuid().ToString("N")[..8];
        using (var prices = await Client.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new
        {
            models = new Dictionary<string, object> { [model] = new { inputPerMillionTokens = 3_000_000, outputPerMillionTokens = 15_000_000, embeddingPerMillionTokens = 20_000 } },
            toolCall = 250,
        }), Cancel))
        {
            await ReadJsonAsync(prices, 200);
        }

        using (var badPrice = await Client.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new { toolCall = -1 }), Cancel))
        {
            await ReadProblemAsync(badPrice, 400, ProblemTypes.Validation);
        }

        // 1001 x 3 + 333 x 15 = 3003 + 4995 = 7998 micro-credits; 1 embedding token (0.02) rounds up to 1.
        var usage = new { transferId = "u1", kind = "generation", model, runId = "run-7", inputTokens = 1001, outputTokens = 333 };
        using (var recorded = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, usage), Cancel))
        {
            Assert.Equal(7_998, (await ReadJsonAsync(recorded, 201)).GetProperty("charge").GetInt64());
        }

        using (var replay = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, usage), Cancel))
        {
            Assert.True((await ReadJsonAsync(replay, 200)).GetProperty("replayed").GetBoolean());
        }

        using (var tiny = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, new { transferId = "u2", kind = "embedding", model, embeddingTokens = 1 }), Cancel))
        {
            Assert.Equal(1, (await ReadJsonAsync(tiny, 201)).GetProperty("charge").GetInt64());
        }

        using (var tools = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, new { transferId = "u3", kind = "tool-call", toolCalls = 4, runId = "run-7" }), Cancel))
        {
            Assert.Equal(1_000, (await ReadJsonAsync(tools, 201)).GetProperty("charge").GetInt64());
        }

        using (var unpriced = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, new { transferId = "u4", kind = "generation", model = "no-such-model", inputTokens = 5 }), Cancel))
        {
            await ReadProblemAsync(unpriced, 400, ProblemTypes.Validation);
        }

        using (var negative = await Client.SendAsync(Request(HttpMethod.Post, "/v1/usage", key, new { transferId = "u5", kind = "generation", model, inputTokens = -5 }), Cancel))
        {
            await ReadProblemAsync(negative, 400, ProblemTypes.Validation);
        }

        Assert.Equal(1_000_000 - 7_998 - 1 - 1_000, await billing.AvailableAsync(accountId, key));

        using (var list = await Client.SendAsync(Request(HttpMethod.Get, "/v1/usage?runId=run-7", key), Cancel))
        {
            var items = (await ReadJsonAsync(list, 200)).GetProperty("items");
            Assert.Equal(2, items.GetArrayLength());
        }

        using (var totals = await Client.SendAsync(Request(HttpMethod.Get, "/v1/usage/totals", key), Cancel))
        {
            var rows = (await ReadJsonAsync(totals, 200)).EnumerateArray().ToList();
            Assert.Equal(7_999, rows.Single(r => r.GetProperty("model").GetString() == model).GetProperty("charge").GetInt64());
            Assert.Equal(1_000, rows.Single(r => r.GetProperty("model").GetString() == "").GetProperty("charge").GetInt64());
        }

        var csvRequest = Request(HttpMethod.Get, "/v1/usage", key);
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using (var csv = await Client.SendAsync(csvRequest, Cancel))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = (await csv.Content.ReadAsStringAsync(Cancel)).Trim().Split('\n');
            Assert.Equal(4, lines.Length);
            Assert.StartsWith("created_at,id,kind,model", lines[0]);
        }

        using (var csvFile = await Client.SendAsync(Request(HttpMethod.Get, "/v1/usage.csv?model=" + model, key), Cancel))
        {
            Assert.Equal(3, (await csvFile.Content.ReadAsStringAsync(Cancel)).Trim().Split('\n').Length);
        }

        using var statement = await Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/statement?from=2000-01-01T00:00:00Z", key), Cancel);
        var body = await ReadJsonAsync(statement, 200);
        Assert.True(body.GetProperty("reconciles").GetBoolean(), body.ToString());
        Assert.Equal((0L, 1_000_000L, 8_999L), (body.GetProperty("opening").GetInt64(), body.GetProperty("deposits").GetInt64(), body.GetProperty("charges").GetInt64()));
        Assert.Equal(1_000_000 - 8_999, body.GetProperty("closing").GetInt64());
        Assert.Equal(1_000_000 - 8_999, body.GetProperty("ledgerPostedNow").GetInt64());
    }

    [Fact]
    public async Task The_running_sweeper_expires_a_reservation_and_returns_its_credits()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000);
        using (var reserved = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key, new { transferId = "short", amount = 400, timeoutSeconds = 1 }), Cancel))
        {
            await ReadJsonAsync(reserved, 201);
        }

        Assert.Equal(600, await billing.AvailableAsync(accountId, key));
        // The sweeper runs every 200 ms here (Billing:Ledger:SweepIntervalMs).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await billing.AvailableAsync(accountId, key) != 1_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.Equal(1_000, await billing.AvailableAsync(accountId, key));
        using var transfers = await Client.SendAsync(Request(HttpMethod.Get, "/v1/transfers?reservationId=short", key), Cancel);
        var kinds = (await ReadJsonAsync(transfers, 200)).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["reserve", "expire"], kinds);
        using var late = await Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations/short/capture", key, new { }), Cancel);
        await ReadProblemAsync(late, 409, ProblemTypes.Conflict);
    }

    [Fact]
    public async Task The_ledger_check_is_admin_only_and_balanced()
    {
        var (_, key) = await billing.CreateFundedAccountAsync(10);

        using (var byAccount = await Client.SendAsync(Request(HttpMethod.Get, "/v1/ledger/check", key), Cancel))
        {
            await ReadProblemAsync(byAccount, 403, ProblemTypes.Forbidden);
        }

        using var check = await Client.SendAsync(Request(HttpMethod.Get, "/v1/ledger/check", PlatformSettings.AdminKey), Cancel);
        var body = await ReadJsonAsync(check, 200);
        Assert.True(body.GetProperty("ok").GetBoolean(), body.ToString());
    }

    private static HttpRequestMessage Raw(HttpMethod method, string path, string key, string body)
    {
        var request = Request(method, path, key);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }
}

public sealed class SqliteBillingHttpTests(SqliteBillingProcess billing) : BillingHttpTests(billing), IClassFixture<SqliteBillingProcess>;

public sealed class PostgresBillingHttpTests(PostgresBillingProcess billing) : BillingHttpTests(billing), IClassFixture<PostgresBillingProcess>;
