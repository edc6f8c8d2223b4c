using System.Text.Json;
using MassTransit;
using Platform.Contracts.CadGenerator;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// CadGenerator's bus API (what Agents' cad.generate uses): SubmitCadJob with the same checks and idempotency as the
/// HTTP API, GetCadJob per account, and jobs paid from the caller's reservation (metered against it, never reserved,
/// captured or released by the job).
/// </summary>
[Collection(CadPlatformCollection.Name)]
public sealed class BusApiTests(CadPlatform platform)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_funded_job_is_metered_against_the_callers_reservation_and_settled_only_by_the_caller()
    {
        const long credits = 10_000_000;
        var (accountId, key) = await platform.CreateAccountAsync(credits);
        var account = Guid.Parse(accountId);
        var reservationId = "caller-" + Guid.NewGuid().ToString("N");
        using (var reserve = await platform.Billing.Client.SendAsync(Request(HttpMethod.Post, "/v1/reservations", key,
            new { transferId = reservationId, amount = 2_000_000, timeoutSeconds = 600 }), Cancel))
        {
            await ReadJsonAsync(reserve, 201);
        }

        var submit = new SubmitCadJob(account, "step-1", null, "standoff", new Dictionary<string, double> { ["height"] = 9 },
            new CadJobFunding(reservationId, 1_500_000, "run-42"));
        var accepted = await SubmitAsync(submit);
        Assert.False(accepted.Replayed);
        Assert.Equal("queued", accepted.State);

        // The same key and request (a caller's retry) answers the same job; another request with it is refused.
        var again = await SubmitAsync(submit);
        Assert.True(again.Replayed);
        Assert.Equal(accepted.JobId, again.JobId);
        var conflict = await RejectedAsync(submit with { Parameters = new Dictionary<string, double> { ["height"] = 10 } });
        Assert.Equal("idempotency-conflict", conflict.Reason);
        Assert.Contains(accepted.JobId.ToString(), conflict.Detail, StringComparison.Ordinal);

        var job = await Jobs.WaitAsync(platform, key, accepted.JobId.ToString());
        Assert.Equal("done", job.GetProperty("state").GetString());
        var charged = job.GetProperty("chargedMicroCredits").GetInt64();
        Assert.Equal((job.GetProperty("renderMilliseconds").GetInt64() * CadPlatform.RenderPricePerSecond + 999) / 1000, charged);

        var status = await StatusAsync(new GetCadJob(account, accepted.JobId));
        Assert.True(status.Found);
        Assert.Equal("done", status.State);
        Assert.Equal("standoff", status.TemplateId);
        Assert.Equal(charged, status.Charged);
        Assert.True(status.Triangles > 0);
        // Another account asking for the job learns nothing.
        var (stranger, _) = await platform.CreateAccountAsync(0);
        Assert.False((await StatusAsync(new GetCadJob(Guid.Parse(stranger), accepted.JobId))).Found);

        // Billing: the usage is on the caller's reservation and run; the job made no reservation or settlement of its own,
        // and the caller's reservation is still whole until the caller captures it.
        var usage = Assert.Single(await ListAsync(key, "/v1/usage?kind=cad-render"));
        Assert.Equal(reservationId, usage.GetProperty("reservationId").GetString());
        Assert.Equal("run-42", usage.GetProperty("runId").GetString());
        Assert.Equal(charged, usage.GetProperty("charge").GetInt64());
        Assert.Equal(reservationId, Assert.Single(await ListAsync(key, "/v1/transfers?kind=reserve")).GetProperty("id").GetString());
        Assert.Empty(await ListAsync(key, "/v1/transfers?kind=capture"));
        Assert.Empty(await ListAsync(key, "/v1/transfers?kind=release"));
        Assert.Equal(credits - 2_000_000, await platform.AvailableAsync(accountId));

        using (var capture = await platform.Billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/reservations/{reservationId}/capture", key,
            new { transferId = reservationId + "-capture", amount = charged }), Cancel))
        {
            await ReadJsonAsync(capture, 200);
        }

        Assert.Equal(credits - charged, await platform.AvailableAsync(accountId));
    }

    [Fact]
    public async Task A_funded_job_whose_reservation_is_gone_fails_at_settle_and_touches_no_money()
    {
        const long credits = 5_000_000;
        var (accountId, key) = await platform.CreateAccountAsync(credits);
        var accepted = await SubmitAsync(new SubmitCadJob(Guid.Parse(accountId), "gone-1", null, "hook", null,
            new CadJobFunding("no-such-reservation", 1_000_000, "run-7")));

        var job = await Jobs.WaitAsync(platform, key, accepted.JobId.ToString());
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Equal("settle", job.GetProperty("failedStep").GetString());
        Assert.Contains("no-such-reservation", job.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        foreach (var kind in new[] { "reserve", "capture", "release", "charge" })
        {
            Assert.Empty(await ListAsync(key, $"/v1/transfers?kind={kind}"));
        }

        Assert.Equal(credits, await platform.AvailableAsync(accountId));
    }

    [Fact]
    public async Task Bad_submissions_are_refused_with_the_field_and_make_nothing()
    {
        var (accountId, key) = await platform.CreateAccountAsync(0);
        var account = Guid.Parse(accountId);
        var cases = new (SubmitCadJob Message, string Field)[]
        {
            (new SubmitCadJob(account, "k1", "a plate", "hook", null, null), "prompt"),
            (new SubmitCadJob(account, "k2", null, null, null, null), "prompt"),
            (new SubmitCadJob(account, "k3", "   ", null, null, null), "prompt"),
            (new SubmitCadJob(account, "k4", new string('p', 2001), null, null, null), "prompt"),
            (new SubmitCadJob(account, "k5", null, "no_such_template", null, null), "template"),
            (new SubmitCadJob(account, "k6", null, "standoff", new Dictionary<string, double> { ["height"] = 100_000 }, null), "parameters.height"),
            (new SubmitCadJob(account, "k7", "a plate", null, new Dictionary<string, double> { ["width"] = 3 }, null), "parameters"),
            (new SubmitCadJob(account, "has space", null, "hook", null, null), "idempotencyKey"),
            (new SubmitCadJob(account, "k9", null, "hook", null, new CadJobFunding("", 10, null)), "funding"),
            (new SubmitCadJob(account, "k10", null, "hook", null, new CadJobFunding("r", 0, null)), "funding"),
            (new SubmitCadJob(Guid.Empty, "k11", null, "hook", null, null), "accountId"),
        };
        foreach (var (message, field) in cases)
        {
            var rejected = await RejectedAsync(message);
            Assert.Equal("invalid", rejected.Reason);
            Assert.Contains(field, rejected.Detail, StringComparison.Ordinal);
        }

        using var list = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", key), Cancel);
        Assert.Equal(0, (await ReadJsonAsync(list, 200)).GetProperty("items").GetArrayLength());
    }

    private async Task<CadJobAccepted> SubmitAsync(SubmitCadJob message)
    {
        var response = await platform.RequestClient<SubmitCadJob>().GetResponse<CadJobAccepted, CadJobRejected>(message, Cancel);
        if (response.Is(out Response<CadJobRejected>? rejected))
        {
            Assert.Fail($"refused: {rejected.Message}");
        }

        response.Is(out Response<CadJobAccepted>? accepted);
        return accepted!.Message;
    }

    private async Task<CadJobRejected> RejectedAsync(SubmitCadJob message)
    {
        var response = await platform.RequestClient<SubmitCadJob>().GetResponse<CadJobAccepted, CadJobRejected>(message, Cancel);
        Assert.True(response.Is(out Response<CadJobRejected>? rejected), $"accepted: {message}");
        return rejected!.Message;
    }

    private async Task<CadJobStatus> StatusAsync(GetCadJob message) =>
        (await platform.RequestClient<GetCadJob>().GetResponse<CadJobStatus>(message, Cancel)).Message;

    private async Task<List<JsonElement>> ListAsync(string key, string path)
    {
        using var response = await platform.Billing.Client.SendAsync(Request(HttpMethod.Get, path, key), Cancel);
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }
}
