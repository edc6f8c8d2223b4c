using static Platform.Testing.PlatformApi;

namespace Platform.Agents.Tests;

/// <summary>
/// cad.generate in the standalone host (where CadGenerator runs with the other services): a part made and paid from the
/// run's budget, a job CadGenerator refuses, a job that fails, and a budget too small for the step's estimate.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class CadToolTests(StandalonePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A new account with 10 credits runs a one-step plan; returns the account, the run id and the ended run.</summary>
    private async Task<(TestAccount Account, string RunId, System.Text.Json.JsonElement Done)> RunAsync(string goal, object step, long budget)
    {
        var account = await platform.CreateAccountAsync(10_000_000);
        var runId = (await platform.StartRunAsync(account, new { goal, plan = new { steps = new[] { step } }, budget })).GetProperty("id").GetString()!;
        return (account, runId, await platform.WaitForStateAsync(account, runId, Wait));
    }

    [Fact]
    public async Task A_template_part_is_made_once_and_its_stl_is_the_accounts()
    {
        var (account, _, done) = await RunAsync("A standoff for the board", new { id = "part", tool = "cad.generate", arguments = new { template = "standoff", parameters = new { height = 11 } } }, 2_000_000);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        var output = done.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("done", output.GetProperty("state").GetString());
        Assert.Equal("standoff", output.GetProperty("templateId").GetString());
        Assert.Equal(11, output.GetProperty("parameters").GetProperty("height").GetDouble());
        Assert.True(output.GetProperty("triangles").GetInt32() > 0);

        using var stl = await platform.Cad.SendAsync(Request(HttpMethod.Get, output.GetProperty("stl").GetString()!, account.Key), Cancel);
        Assert.Equal(200, (int)stl.StatusCode);
        Assert.Equal(84 + (50 * output.GetProperty("triangles").GetInt32()), (await stl.Content.ReadAsByteArrayAsync(Cancel)).Length);
        using var jobs = await platform.Cad.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", account.Key), Cancel);
        Assert.Equal(1, (await ReadJsonAsync(jobs, 200)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_job_cadgenerator_refuses_fails_the_step_permanently_with_its_reason()
    {
        var (account, runId, done) = await RunAsync("Make a thing that is not in the library", new { tool = "cad.generate", arguments = new { template = "teapot" } }, 2_000_000);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        var error = done.GetProperty("steps")[0].GetProperty("error");
        Assert.Equal("permanent", error.GetProperty("kind").GetString());
        Assert.Contains("'teapot' is not a template", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, done.GetProperty("steps")[0].GetProperty("attempts").GetInt32());
        Assert.Single(await platform.TransfersAsync(account, "release", runId));
        Assert.Equal(10_000_000, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task A_job_that_fails_fails_the_step_with_the_step_and_reason_of_the_job()
    {
        var (account, _, done) = await RunAsync("Make something vague", new { tool = "cad.generate", arguments = new { prompt = "something pretty for my desk" } }, 2_000_000);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        var error = done.GetProperty("steps")[0].GetProperty("error");
        Assert.Equal("permanent", error.GetProperty("kind").GetString());
        Assert.Matches("CAD job [0-9a-f-]{36} failed at design: ", error.GetProperty("detail").GetString());
        Assert.Equal(10_000_000, await platform.AvailableAsync(account));
    }

    [Fact]
    public async Task A_budget_below_the_cad_estimate_does_not_start_the_job()
    {
        var (account, _, done) = await RunAsync("A hook, cheaply", new { tool = "cad.generate", arguments = new { template = "hook" } }, 500_000);
        Assert.Equal("budget_exhausted", done.GetProperty("state").GetString());
        Assert.Equal("skipped", done.GetProperty("steps")[0].GetProperty("state").GetString());
        using var jobs = await platform.Cad.SendAsync(Request(HttpMethod.Get, "/v1/cad/jobs", account.Key), Cancel);
        Assert.Equal(0, (await ReadJsonAsync(jobs, 200)).GetProperty("items").GetArrayLength());
    }
}
