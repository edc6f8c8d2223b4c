using System.Text.Json;
using Npgsql;
using Platform.CadGenerator.Geometry;
using Platform.Contracts.CadGenerator;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults.Errors;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>Jobs end to end: HTTP -> CadJobSaga over RabbitMQ -> Billing (reserve, meter, capture/release) -> sandboxed render -> validation -> artifacts.</summary>
[Collection(CadPlatformCollection.Name)]
public sealed class JobsTests(CadPlatform platform)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_template_job_is_rendered_validated_stored_and_charged_for_its_render_time()
    {
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        var job = await SubmitAsync(key, new { template = "l_bracket", parameters = new { width = 25, holes_per_leg = 1 } });
        Assert.Equal("queued", job.GetProperty("state").GetString());

        var done = await WaitAsync(key, job.GetProperty("id").GetString()!);

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("l_bracket", done.GetProperty("templateId").GetString());
        Assert.Equal(25, done.GetProperty("parameters").GetProperty("width").GetDouble());
        Assert.Equal(["reserve", "design", "render", "validate", "settle"],
            done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!).ToArray());
        var validation = done.GetProperty("validation");
        Assert.All(validation.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Equal([40.0, 25.0, 40.0], validation.GetProperty("boundingBoxSize").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 3)).ToArray());

        // Billing priced the render time; the rest of the reservation went back.
        var renderMs = done.GetProperty("renderMilliseconds").GetInt64();
        var charged = done.GetProperty("chargedMicroCredits").GetInt64();
        Assert.Equal((renderMs * CadPlatform.RenderPricePerSecond + 999) / 1000, charged);
        Assert.Equal(10_000_000 - charged, await platform.AvailableAsync(accountId));

        var id = job.GetProperty("id").GetString();
        using var stl = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}/model.stl", key), Cancel);
        Assert.Equal(200, (int)stl.StatusCode);
        Assert.Equal("model/stl", stl.Content.Headers.ContentType?.MediaType);
        var triangles = StlReader.Read(await stl.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(validation.GetProperty("triangles").GetInt32(), triangles.Count);

        using var scad = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}/model.scad", key), Cancel);
        Assert.Contains("\nwidth = 25;\n", await scad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(platform.DataDirectory, "cad", Guid.Parse(id!).ToString("N"), "model.stl")));

        // CadJobCompleted left through the outbox, once, with what the job reports.
        var completed = Assert.IsType<CadJobCompleted>(Assert.Single(await platform.EventsOfAsync(Guid.Parse(id!), TimeSpan.FromSeconds(15))));
        Assert.Equal((Guid.Parse(accountId), "l_bracket", charged, renderMs, validation.GetProperty("triangles").GetInt32()),
            (completed.AccountId, completed.TemplateId, completed.Charged, completed.RenderMilliseconds, completed.Triangles));
    }

    [Fact]
    public async Task A_repeated_CadJobSubmitted_after_the_job_ended_starts_nothing()
    {
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        var done = await Jobs.RunAsync(platform, key, new { template = "standoff" });
        var jobId = Guid.Parse(done.GetProperty("id").GetString()!);
        Assert.Single(await platform.EventsOfAsync(jobId, TimeSpan.FromSeconds(15)));
        var available = await platform.AvailableAsync(accountId);

        // At least once: the outbox relay or a broker restart can deliver the submission again.
        await platform.PublishAsync(new CadJobSubmitted(jobId, Guid.Parse(accountId), null, DateTimeOffset.UtcNow));
        await Task.Delay(3000, Cancel);

        using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{jobId}", key), Cancel);
        var after = await ReadJsonAsync(response, 200);
        Assert.Equal("done", after.GetProperty("state").GetString());
        Assert.Equal(done.GetProperty("steps").GetArrayLength(), after.GetProperty("steps").GetArrayLength());
        Assert.Equal(available, await platform.AvailableAsync(accountId));
        Assert.Single(platform.JobEvents[jobId]);
        Assert.Contains("again after the job started or ended; ignored", platform.Cad.Tail(200), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_accepted_before_a_crash_finish_after_the_restart_each_with_its_event()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await SubmitAsync(key, new { template = "standoff", parameters = new { height = 6 + i } })).GetProperty("id").GetString()!);
        }

        // Killed once every job holds its reservation (the work order is in the outbox or being produced):
        // nothing committed may be lost.
        foreach (var id in ids)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await JobAsync(key, id)).GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("step").GetString() == "reserve"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"job {id} was not reserved within 30 s");
                await Task.Delay(20, Cancel);
            }
        }

        await platform.RestartCadAsync();

        foreach (var id in ids)
        {
            var done = await WaitAsync(key, id);
            Assert.Equal("done", done.GetProperty("state").GetString());
            var events = await platform.EventsOfAsync(Guid.Parse(id), TimeSpan.FromSeconds(15));
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.Equal(done.GetProperty("chargedMicroCredits").GetInt64(), Assert.IsType<CadJobCompleted>(e).Charged));
        }
    }

    [Fact]
    public async Task A_request_committed_with_the_saga_but_not_sent_before_a_kill_is_sent_after_the_restart()
    {
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        // Hold CadGenerator's relay off (its PostgreSQL advisory lock): what the service commits stays in its
        // outbox. Unpooled, so that closing the connection ends the session and with it the lock.
        await using var relayLock = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(platform.CadConnectionString) { Pooling = false }.ConnectionString);
        await relayLock.OpenAsync(Cancel);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", relayLock))
        {
            take.Parameters.AddWithValue("key", OutboxRelay.RelayLockKey);
            await take.ExecuteScalarAsync(Cancel);
        }

        var id = (await SubmitAsync(key, new { template = "standoff" })).GetProperty("id").GetString()!;
        var jobId = Guid.Parse(id);
        // The submission is held too; deliver it as the relay would, so the saga starts and commits its
        // state (Reserving) together with its ReserveCredits request, which cannot leave.
        await platform.PublishAsync(new CadJobSubmitted(jobId, Guid.Parse(accountId), null, DateTimeOffset.UtcNow));
        var held = await WaitForOutboxAsync(relayLock, nameof(Contracts.Billing.ReserveCredits));
        Assert.Equal(1, held);
        Assert.Equal(10_000_000, await platform.AvailableAsync(accountId));

        // The kill lands after the saga's commit and before its request was sent: the old window.
        platform.Cad.Kill();
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", relayLock))
        {
            release.Parameters.AddWithValue("key", OutboxRelay.RelayLockKey);
            Assert.True((bool)(await release.ExecuteScalarAsync(Cancel))!);
        }

        await relayLock.CloseAsync();
        await platform.RestartCadAsync();

        var done = await WaitAsync(key, id);
        Assert.Equal("done", done.GetProperty("state").GetString());
        var charged = done.GetProperty("chargedMicroCredits").GetInt64();
        Assert.True(charged > 0, "the render is priced, so the job should be charged");
        Assert.Equal(10_000_000 - charged, await platform.AvailableAsync(accountId));
        var completed = Assert.IsType<CadJobCompleted>(Assert.Single(await platform.EventsOfAsync(jobId, TimeSpan.FromSeconds(15))));
        Assert.Equal(charged, completed.Charged);
    }

    // Rows of one message type in CadGenerator's outbox, once at least one is there (the saga commits shortly after the delivery).
    private static async Task<long> WaitForOutboxAsync(NpgsqlConnection connection, string messageType)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100, Cancel))
        {
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {OutboxTable.Name} WHERE message_type LIKE @type", connection);
            count.Parameters.AddWithValue("type", $"%.{messageType},%");
            var rows = (long)(await count.ExecuteScalarAsync(Cancel))!;
            if (rows > 0 || DateTime.UtcNow > deadline)
            {
                return rows;
            }
        }
    }

    [Fact]
    public async Task With_no_render_price_a_job_is_done_free_and_its_reservation_released()
    {
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        await platform.SetRenderPriceAsync(0);
        try
        {
            var done = await Jobs.RunAsync(platform, key, new { template = "standoff" });

            Assert.Equal("done", done.GetProperty("state").GetString());
            Assert.Equal(0, done.GetProperty("chargedMicroCredits").GetInt64());
            var completed = Assert.IsType<CadJobCompleted>(Assert.Single(await platform.EventsOfAsync(Guid.Parse(done.GetProperty("id").GetString()!), TimeSpan.FromSeconds(15))));
            Assert.Equal(0, completed.Charged);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (await platform.AvailableAsync(accountId) != 10_000_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Cancel);
            }

            Assert.Equal(10_000_000, await platform.AvailableAsync(accountId));
        }
        finally
        {
            await platform.SetRenderPriceAsync(CadPlatform.RenderPricePerSecond);
        }
    }

    [Fact]
    public async Task A_prompt_job_is_designed_by_the_parser()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);
        var job = await SubmitAsync(key, new { prompt = "A mounting plate 60 x 40 x 3 mm with four M3 holes" });

        var done = await WaitAsync(key, job.GetProperty("id").GetString()!);

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("plate_with_holes", done.GetProperty("templateId").GetString());
        Assert.Equal(["guard", "reserve", "design", "render", "validate", "settle"],
            done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!).ToArray());
        var parameters = done.GetProperty("parameters");
        Assert.Equal((60.0, 40.0, 3.0, 3.2), (parameters.GetProperty("length").GetDouble(), parameters.GetProperty("width").GetDouble(),
            parameters.GetProperty("thickness").GetDouble(), parameters.GetProperty("hole_diameter").GetDouble()));
    }

    [Fact]
    public async Task A_prompt_SafetyGuard_denies_fails_at_guard_before_anything_is_reserved()
    {
        var (accountId, key) = await platform.CreateAccountAsync(5_000_000);
        var job = await SubmitAsync(key, new { prompt = "bracket 40x40x20 mm, my token is ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" });

        var failed = await WaitAsync(key, job.GetProperty("id").GetString()!);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("guard", failed.GetProperty("failedStep").GetString());
        Assert.Contains("secrets.block", failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(5_000_000, await platform.AvailableAsync(accountId));
        Assert.False(Directory.Exists(Path.Combine(platform.DataDirectory, "cad", Guid.Parse(job.GetProperty("id").GetString()!).ToString("N"))));
    }

    [Fact]
    public async Task A_prompt_that_names_no_part_fails_at_design_and_is_not_charged()
    {
        var (accountId, key) = await platform.CreateAccountAsync(5_000_000);
        var job = await SubmitAsync(key, new { prompt = "something pretty for my desk" });

        var failed = await WaitAsync(key, job.GetProperty("id").GetString()!);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("design", failed.GetProperty("failedStep").GetString());
        Assert.Contains("names no part", failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(5_000_000, await platform.AvailableAsync(accountId));

        using var stl = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{job.GetProperty("id").GetString()}/model.stl", key), Cancel);
        await ReadProblemAsync(stl, 409, ProblemTypes.Conflict);

        var jobFailed = Assert.IsType<CadJobFailed>(Assert.Single(await platform.EventsOfAsync(Guid.Parse(job.GetProperty("id").GetString()!), TimeSpan.FromSeconds(15))));
        Assert.Equal(("design", failed.GetProperty("failureReason").GetString()), (jobFailed.Step, jobFailed.Reason));
    }

    [Fact]
    public async Task An_account_without_credits_fails_at_reserve()
    {
        var (_, key) = await platform.CreateAccountAsync(0);
        var job = await SubmitAsync(key, new { template = "standoff" });

        var failed = await WaitAsync(key, job.GetProperty("id").GetString()!);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("reserve", failed.GetProperty("failedStep").GetString());
        Assert.Contains("Insufficient credits", failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_prompts_leak_nothing_and_the_service_keeps_serving()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);
        string[] prompts =
        [
            "a plate 40x20x3 mm; import(\"/etc/passwd\"); include </etc/passwd>",
            "standoff $fn=1000000 surface(\"/dev/zero\") ../../../etc/shadow",
            "gear module(x) { gear(x); } with 10000 teeth",
        ];

        foreach (var prompt in prompts)
        {
            var job = await SubmitAsync(key, new { prompt });
            var id = job.GetProperty("id").GetString()!;
            var finished = await WaitAsync(key, id);
            Assert.Contains(finished.GetProperty("state").GetString(), new[] { "done", "failed" });
            Assert.DoesNotContain("root:", finished.ToString(), StringComparison.Ordinal);
            using var scad = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}/model.scad", key), Cancel);
            var text = await scad.Content.ReadAsStringAsync(Cancel);
            Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("import", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/etc/", text, StringComparison.Ordinal);
        }

        var gear = await WaitAsync(key, (await SubmitAsync(key, new { prompt = "gear with 10000 teeth" })).GetProperty("id").GetString()!);
        Assert.Equal("design", gear.GetProperty("failedStep").GetString());
        Assert.Contains("teeth", gear.GetProperty("failureReason").GetString(), StringComparison.Ordinal);

        var after = await WaitAsync(key, (await SubmitAsync(key, new { template = "standoff" })).GetProperty("id").GetString()!);
        Assert.Equal("done", after.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Bad_submissions_are_refused_before_any_work()
    {
        var (_, key) = await platform.CreateAccountAsync(0);

        await ExpectValidationAsync(key, new { }, "prompt");
        await ExpectValidationAsync(key, new { prompt = "a plate", template = "plate_with_holes" }, "prompt");
        await ExpectValidationAsync(key, new { prompt = "   " }, "prompt");
        await ExpectValidationAsync(key, new { prompt = new string('x', 2001) }, "prompt");
        await ExpectValidationAsync(key, new { template = "teapot" }, "template");
        await ExpectValidationAsync(key, new { template = "l_bracket", parameters = new { width = 1000, colour = 3 } }, "parameters.width", "parameters.colour");
        await ExpectValidationAsync(key, new { prompt = "a hook", parameters = new { width = 10 } }, "parameters");

        using var list = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", key), Cancel);
        Assert.Equal(0, (await ReadJsonAsync(list, 200)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Jobs_are_private_to_their_account_and_listed_newest_first_in_pages()
    {
        var (_, owner) = await platform.CreateAccountAsync(10_000_000);
        var (_, other) = await platform.CreateAccountAsync(10_000_000);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await SubmitAsync(owner, new { template = "standoff", parameters = new { height = 5 + i } })).GetProperty("id").GetString()!);
        }

        foreach (var path in new[] { $"/v1/cad/jobs/{ids[0]}", $"/v1/cad/jobs/{ids[0]}/model.stl", $"/v1/cad/jobs/{ids[0]}/model.scad", "/v1/cad/jobs/not-a-guid", $"/v1/cad/jobs/{Guid.NewGuid()}" })
        {
            using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, path, other), Cancel);
            await ReadProblemAsync(response, 404, ProblemTypes.NotFound);
        }

        using var first = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs?limit=2", owner), Cancel);
        var page1 = await ReadJsonAsync(first, 200);
        Assert.Equal([ids[2], ids[1]], page1.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray());
        using var second = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs?limit=2&before={page1.GetProperty("next").GetString()}", owner), Cancel);
        var page2 = await ReadJsonAsync(second, 200);
        Assert.Equal([ids[0]], page2.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!).ToArray());
        Assert.False(page2.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null);

        using var bad = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs?limit=0&before=x", owner), Cancel);
        var problem = await ReadProblemAsync(bad, 400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("before", out _));

        foreach (var id in ids)
        {
            Assert.Equal("done", (await WaitAsync(owner, id)).GetProperty("state").GetString());
        }
    }

    private async Task ExpectValidationAsync(string key, object body, params string[] fields)
    {
        using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Post, "/v1/cad/jobs", key, body), Cancel);
        var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
        foreach (var field in fields)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} missing in {problem}");
        }
    }

    private Task<JsonElement> SubmitAsync(string key, object body) => Jobs.SubmitAsync(platform, key, body);

    private Task<JsonElement> WaitAsync(string key, string id) => Jobs.WaitAsync(platform, key, id);

    private async Task<JsonElement> JobAsync(string key, string id)
    {
        using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}", key), Cancel);
        return await ReadJsonAsync(response, 200);
    }
}
