using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Ingest.Tests;

/// <summary>The calls the ingestion tests make, over the services' public HTTP APIs.</summary>
public static class IngestApi
{
    public const string EmbeddingModel = "platform-embed-256";

    /// <summary>Micro-credits per million embedding tokens: 1 credit, so a token costs 1 micro-credit.</summary>
    public const long EmbeddingPricePerMillion = 1_000_000;

    public static async Task SetEmbeddingPriceAsync(HttpClient billing)
    {
        using var prices = await billing.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey,
            new { models = new Dictionary<string, object> { [EmbeddingModel] = new { embeddingPerMillionTokens = EmbeddingPricePerMillion } } }));
        await ReadJsonAsync(prices, 200);
    }

    /// <summary>A new account with a key and <paramref name="credits"/> micro-credits deposited.</summary>
    public static async Task<(string AccountId, string Key)> CreateAccountAsync(HttpClient billing, long credits)
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(billing);
        if (credits > 0)
        {
            using var deposit = await billing.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = credits }));
            await ReadJsonAsync(deposit, 201);
        }

        return (accountId, key);
    }

    public static async Task<long> AvailableAsync(HttpClient billing, string accountId)
    {
        using var response = await billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", PlatformSettings.AdminKey));
        return (await ReadJsonAsync(response, 200)).GetProperty("available").GetInt64();
    }

    /// <summary>POST /v1/documents; returns the status code and body.</summary>
    public static async Task<(int Status, JsonElement Body)> SubmitAsync(HttpClient ingest, string key, object body, string? idempotencyKey = null)
    {
        using var request = Request(HttpMethod.Post, "/v1/documents", key, body);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await ingest.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Submits a new document (201) and returns its id.</summary>
    public static async Task<string> SubmitNewAsync(HttpClient ingest, string key, object body)
    {
        var (status, document) = await SubmitAsync(ingest, key, body);
        if (status != 201)
        {
            throw new InvalidOperationException($"POST /v1/documents answered {status}: {document}");
        }

        return document.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> GetAsync(HttpClient ingest, string key, string id)
    {
        using var response = await ingest.SendAsync(Request(HttpMethod.Get, $"/v1/documents/{id}", key));
        return await ReadJsonAsync(response, 200);
    }

    /// <summary>Polls the document's status until its state is indexed or failed.</summary>
    public static async Task<JsonElement> WaitUntilFinishedAsync(HttpClient ingest, string key, string id, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        JsonElement status;
        do
        {
            status = await GetAsync(ingest, key, id);
            if (status.GetProperty("state").GetString() is "indexed" or "failed")
            {
                return status;
            }

            await Task.Delay(100);
        }
        while (clock.Elapsed < timeout);

        throw new TimeoutException($"Document {id} did not finish within {timeout.TotalSeconds:0} s: {status}");
    }

    public static async Task<JsonElement> SearchAsync(HttpClient retrieval, string key, string collection, string query, string mode = "bm25", int limit = 10)
    {
        using var response = await retrieval.SendAsync(Request(HttpMethod.Post, "/v1/search", key, new { collection, query, mode, limit }));
        return await ReadJsonAsync(response, 200);
    }

    /// <summary>Points in the account's collection (0 when it does not exist).</summary>
    public static async Task<long> PointCountAsync(HttpClient retrieval, string key, string collection)
    {
        using var response = await retrieval.SendAsync(Request(HttpMethod.Get, "/v1/collections", key));
        var items = (await ReadJsonAsync(response, 200)).GetProperty("items");
        return items.EnumerateArray().Where(c => c.GetProperty("name").GetString() == collection).Select(c => c.GetProperty("count").GetInt64()).FirstOrDefault();
    }

    public static async Task UpsertPointAsync(HttpClient retrieval, string key, string collection, string id, float[] vector)
    {
        using var response = await retrieval.SendAsync(Request(HttpMethod.Put, $"/v1/collections/{collection}/points", key,
            new { points = new[] { new { id, vector } } }));
        await ReadJsonAsync(response, 200);
    }

    /// <summary>A Markdown document about <paramref name="topic"/>, different for every <paramref name="seed"/>, of a few chunks.</summary>
    public static string Markdown(string topic, int seed, int paragraphs = 4)
    {
        var random = new Random(seed);
        string[] words = ["river", "engine", "garden", "ledger", "orbit", "violin", "harbor", "meadow", "crystal", "lantern", "quartz", "falcon"];
        var lines = new List<string> { $"# {topic} {seed}", "" };
        for (var p = 0; p < paragraphs; p++)
        {
            lines.Add($"## Part {p}");
            lines.Add("");
            var sentence = string.Join(' ', Enumerable.Range(0, 60).Select(_ => words[random.Next(words.Length)]));
            lines.Add($"The {topic} note {seed}.{p} says: {sentence}.");
            lines.Add("");
        }

        return string.Join('\n', lines);
    }

    public static JsonContent Json(object body) => JsonContent.Create(body);
}
