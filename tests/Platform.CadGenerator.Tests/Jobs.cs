using System.Text.Json;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>Submitting a job over HTTP and following it to the end.</summary>
public static class Jobs
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> SubmitAsync(CadPlatform platform, string key, object body)
    {
        using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Post, "/v1/cad/jobs", key, body), Cancel);
        return await ReadJsonAsync(response, 202);
    }

    /// <summary>Submits and waits until the job is done or failed.</summary>
    public static async Task<JsonElement> RunAsync(CadPlatform platform, string key, object body) =>
        await WaitAsync(platform, key, (await SubmitAsync(platform, key, body)).GetProperty("id").GetString()!);

    public static async Task<JsonElement> WaitAsync(CadPlatform platform, string key, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}", key), Cancel);
            var job = await ReadJsonAsync(response, 200);
            var state = job.GetProperty("state").GetString();
            if (state is "done" or "failed")
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {id} is still {state} after 60 s: {job}\n{platform.Cad.Tail(400)}");
            }

            await Task.Delay(100, Cancel);
        }
    }
}
