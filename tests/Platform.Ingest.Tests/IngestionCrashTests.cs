using System.Text.Json;
using Platform.Testing;
using Xunit;
using static Platform.Ingest.Tests.IngestApi;
using static Platform.Testing.PlatformApi;

namespace Platform.Ingest.Tests;

/// <summary>
/// Distributed mode (Billing, Inference, Retrieval and Ingest each its own process on RabbitMQ and
/// PostgreSQL): Ingest or Retrieval is killed (SIGKILL) in the middle of a 200-document ingestion and
/// started again. Afterwards every document ends indexed or failed with a reason, the index holds
/// exactly the indexed documents' chunks (none twice, none of a failed document), and Billing charged
/// each indexed document once.
/// </summary>
public sealed class IngestionCrashTests
{
    private const int Documents = 200;
    private static readonly TimeSpan Finish = TimeSpan.FromMinutes(4);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("ingest")]
    [InlineData("retrieval")]
    public async Task A_service_killed_mid_ingestion_leaves_every_document_indexed_or_failed_and_nothing_twice(string victim)
    {
        await using var vhost = await TestServers.CreateVirtualHostAsync();
        await using var databases = await TestServers.CreatePostgresPrefixAsync();
        var environment = PlatformSettings.Distributed(vhost, databases);
        environment["Inference__Device"] = "cpu";
        // Small batches: a document is several steps, so the kill lands between them.
        environment["Ingest__Ingestion__BatchSize"] = "2";
        environment["Ingest__Chunking__MaxChunkChars"] = "300";
        environment["Ingest__Chunking__OverlapChars"] = "50";
        var services = new Dictionary<string, ServiceProcess>();
        try
        {
            foreach (var (name, project) in new[] { ("billing", "Billing"), ("inference", "Inference"), ("retrieval", "Retrieval"), ("ingest", "Ingest") })
            {
                services[name] = await ServiceProcess.StartAsync(name, RepositoryPaths.ServiceDll(project), environment);
            }

            await SetEmbeddingPriceAsync(services["billing"].Client);
            var (_, key) = await CreateAccountAsync(services["billing"].Client, 1_000_000_000);
            var ingest = services["ingest"].Client;
            var ids = new List<string>();
            for (var i = 0; i < Documents; i++)
            {
                ids.Add(await SubmitNewAsync(ingest, key, new { text = Markdown("crash", i, paragraphs: 2), contentType = "text/markdown" }));
            }

            // Killed once part of the documents are through: the rest are queued, mid-batch or mid-meter.
            await WaitForAsync(async () => (await StatesAsync(ingest, key)).Count(d => d.State == "indexed") >= 20, "20 documents indexed before the kill");
            var unfinished = (await StatesAsync(ingest, key)).Count(d => d.State is not ("indexed" or "failed"));
            services[victim].Kill();
            Assert.True(unfinished > 0, "the kill should land in the middle of the ingestion");
            await services[victim].DisposeAsync();
            services[victim] = await ServiceProcess.StartAsync(victim, RepositoryPaths.ServiceDll(victim == "ingest" ? "Ingest" : "Retrieval"), environment);
            ingest = services["ingest"].Client;

            List<DocumentState> finished = [];
            await WaitForAsync(async () => (finished = await StatesAsync(ingest, key)).All(d => d.State is "indexed" or "failed"), "every document to finish", Finish);

            Assert.Equal(ids.Order(), finished.Select(d => d.Id).Order());
            Assert.All(finished.Where(d => d.State == "failed"), d => Assert.False(string.IsNullOrWhiteSpace(d.LastError), $"document {d.Id} failed without a reason"));
            var indexed = finished.Where(d => d.State == "indexed").ToList();
            Assert.NotEmpty(indexed);
            // Retrieval holds exactly the indexed documents' chunks: point ids are fixed per chunk, so a
            // repeated upsert cannot add a point, and a failed document's points were deleted.
            var points = await PointCountAsync(services["retrieval"].Client, key, "documents");
            Assert.Equal(indexed.Sum(d => (long)d.ChunksTotal), points);
            // Charged once per indexed document (transfer id per document): the account's embedding
            // tokens billed equal the indexed documents' tokens, at 1 micro-credit per token.
            using var totals = await services["billing"].Client.SendAsync(Request(HttpMethod.Get, "/v1/usage/totals", key), Cancel);
            var billedTokens = (await ReadJsonAsync(totals, 200)).EnumerateArray().Sum(day => day.GetProperty("embeddingTokens").GetInt64());
            Assert.Equal(indexed.Sum(d => d.EmbeddingTokens), billedTokens);
            Assert.All(indexed, d => Assert.Equal(d.EmbeddingTokens, d.Charged));
        }
        finally
        {
            foreach (var service in services.Values)
            {
                await service.DisposeAsync();
            }
        }
    }

    private sealed record DocumentState(string Id, string State, int ChunksTotal, long EmbeddingTokens, long Charged, string? LastError);

    private static async Task<List<DocumentState>> StatesAsync(HttpClient ingest, string key)
    {
        var states = new List<DocumentState>();
        string? after = null;
        do
        {
            using var response = await ingest.SendAsync(Request(HttpMethod.Get, $"/v1/documents?limit=1000{(after is null ? "" : "&after=" + after)}", key), Cancel);
            var page = await ReadJsonAsync(response, 200);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                states.Add(new DocumentState(
                    item.GetProperty("id").GetString()!,
                    item.GetProperty("state").GetString()!,
                    item.GetProperty("chunksTotal").GetInt32(),
                    item.GetProperty("embeddingTokens").GetInt64(),
                    item.TryGetProperty("charged", out var charged) && charged.ValueKind == JsonValueKind.Number ? charged.GetInt64() : 0,
                    item.TryGetProperty("lastError", out var error) ? error.GetString() : null));
            }

            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);

        return states;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(250, Cancel);
        }
    }
}
