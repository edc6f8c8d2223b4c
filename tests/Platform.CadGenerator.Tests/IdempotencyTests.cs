using System.Text.Json;
using Platform.ServiceDefaults.Errors;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>POST /v1/cad/jobs with an Idempotency-Key: same key + same request = the same job, also after a restart; another request = 409.</summary>
[Collection(CadPlatformCollection.Name)]
public sealed class IdempotencyTests(CadPlatform platform)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_retried_request_gets_the_same_job_even_after_a_restart_and_runs_once()
    {
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        var idempotencyKey = "order-" + Guid.NewGuid().ToString("N");

        var (first, firstReplayed) = await PostAsync(key, idempotencyKey, """{"template": "standoff", "parameters": {"height": 12, "outer_diameter": 7}}""", 202);
        // The same request written differently (key order, 12.0) is the same request.
        var (second, secondReplayed) = await PostAsync(key, idempotencyKey, """{"parameters": {"outer_diameter": 7, "height": 12.0}, "template": "standoff"}""", 202);
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.False(firstReplayed);
        Assert.True(secondReplayed);

        var done = await Jobs.WaitAsync(platform, key, first.GetProperty("id").GetString()!);
        Assert.Equal("done", done.GetProperty("state").GetString());

        await platform.RestartCadAsync();
        var (afterRestart, replayed) = await PostAsync(key, idempotencyKey, """{"template": "standoff", "parameters": {"height": 12, "outer_diameter": 7}}""", 202);
        Assert.True(replayed);
        Assert.Equal(first.GetProperty("id").GetString(), afterRestart.GetProperty("id").GetString());
        Assert.Equal("done", afterRestart.GetProperty("state").GetString());

        // One job, charged once.
        using var list = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", key), Cancel);
        Assert.Equal(1, (await ReadJsonAsync(list, 200)).GetProperty("items").GetArrayLength());
        Assert.Equal(10_000_000 - done.GetProperty("chargedMicroCredits").GetInt64(), await platform.AvailableAsync(accountId));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_a_conflict_and_keys_are_per_account()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);
        var (_, otherKey) = await platform.CreateAccountAsync(10_000_000);
        var idempotencyKey = "k-" + Guid.NewGuid().ToString("N");

        var (job, _) = await PostAsync(key, idempotencyKey, """{"template": "hook"}""", 202);
        var (problem, _) = await PostAsync(key, idempotencyKey, """{"template": "hook", "parameters": {"width": 20}}""", 409);
        Assert.Equal(ProblemTypes.IdempotencyConflict, problem.GetProperty("type").GetString());
        Assert.Contains(job.GetProperty("id").GetString()!, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another account's identical key is its own.
        var (other, replayed) = await PostAsync(otherKey, idempotencyKey, """{"template": "hook"}""", 202);
        Assert.False(replayed);
        Assert.NotEqual(job.GetProperty("id").GetString(), other.GetProperty("id").GetString());

        await Jobs.WaitAsync(platform, key, job.GetProperty("id").GetString()!);
        await Jobs.WaitAsync(platform, otherKey, other.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_make_one_job()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);
        var idempotencyKey = "race-" + Guid.NewGuid().ToString("N");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(key, idempotencyKey, """{"template": "standoff"}""", 202)));

        Assert.Single(answers.Select(a => a.Body.GetProperty("id").GetString()).Distinct());
        Assert.Equal(5, answers.Count(a => a.Replayed));
        await Jobs.WaitAsync(platform, key, answers[0].Body.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Bad_keys_are_refused_before_any_work()
    {
        var (_, key) = await platform.CreateAccountAsync(0);
        foreach (var bad in new[] { new string('k', 256), "has space", "" })
        {
            using var request = Request(HttpMethod.Post, "/v1/cad/jobs", key, new { template = "hook" });
            request.Headers.TryAddWithoutValidation("Idempotency-Key", bad);
            using var response = await platform.Cad.Client.SendAsync(request, Cancel);
            var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), problem.ToString());
        }

        using var twice = Request(HttpMethod.Post, "/v1/cad/jobs", key, new { template = "hook" });
        twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);
        using var twiceResponse = await platform.Cad.Client.SendAsync(twice, Cancel);
        await ReadProblemAsync(twiceResponse, 400, ProblemTypes.Validation);

        using var list = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", key), Cancel);
        Assert.Equal(0, (await ReadJsonAsync(list, 200)).GetProperty("items").GetArrayLength());
    }

    private async Task<(JsonElement Body, bool Replayed)> PostAsync(string key, string idempotencyKey, string json, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cad/jobs")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await platform.Cad.Client.SendAsync(request, Cancel);
        var body = await ReadJsonAsync(response, status);
        return (body, response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true"));
    }
}
