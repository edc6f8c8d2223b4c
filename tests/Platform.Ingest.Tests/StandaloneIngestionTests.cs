using Platform.Contracts.Ingest;
using Xunit;
using static Platform.Ingest.Tests.IngestApi;

namespace Platform.Ingest.Tests;

/// <summary>
/// The whole ingestion flow in standalone mode (Ingest, Inference, Retrieval and Billing modules in
/// one host, in-memory bus, SQLite): documents end indexed and searchable and paid for, or failed
/// with the step and the reason, and the events say so.
/// </summary>
public sealed class StandaloneIngestionTests : IAsyncLifetime
{
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(60);

    private IngestionHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await IngestionHost.StartAsync();
        await SetEmbeddingPriceAsync(_host.Client);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_document_is_chunked_embedded_upserted_metered_and_searchable_then_deleted_everywhere()
    {
        var client = _host.Client;
        var (accountId, key) = await CreateAccountAsync(client, 10_000_000);
        var text = Markdown("lighthouse", 1, paragraphs: 12);

        var (status, submitted) = await SubmitAsync(client, key, new { text, contentType = "text/markdown", title = "Keeper's log", tags = new[] { "manual" } });
        var id = submitted.GetProperty("id").GetString()!;
        var indexed = await WaitUntilFinishedAsync(client, key, id, Finish);

        Assert.Equal(201, status);
        Assert.Equal("queued", submitted.GetProperty("state").GetString());
        Assert.Equal("documents", submitted.GetProperty("collection").GetString());
        var total = indexed.GetProperty("chunksTotal").GetInt32();
        Assert.True(total > 1, $"expected several chunks: {indexed}");
        Assert.Equal("indexed", indexed.GetProperty("state").GetString());
        Assert.Equal(total, indexed.GetProperty("chunksEmbedded").GetInt32());
        Assert.Equal(total, indexed.GetProperty("chunksIndexed").GetInt32());
        Assert.Equal(100, indexed.GetProperty("percent").GetInt32());
        Assert.False(indexed.TryGetProperty("failedStep", out _));
        var tokens = indexed.GetProperty("embeddingTokens").GetInt64();
        Assert.True(tokens > 0);
        // 1 micro-credit per embedding token at the price set.
        Assert.Equal(tokens, indexed.GetProperty("charged").GetInt64());
        Assert.Equal(10_000_000 - tokens, await AvailableAsync(client, accountId));

        var indexedEvent = Assert.IsType<DocumentIndexed>(await _host.WaitForEventAsync(id, Finish));
        Assert.Equal((Guid.Parse(accountId), "documents", total, EmbeddingModel, tokens), (indexedEvent.AccountId, indexedEvent.Collection, indexedEvent.Chunks, indexedEvent.Model, indexedEvent.EmbeddingTokens));

        Assert.Equal(total, await PointCountAsync(client, key, "documents"));
        foreach (var mode in new[] { "bm25", "vector", "hybrid" })
        {
            var found = (await SearchAsync(client, key, "documents", "lighthouse note says", mode)).GetProperty("results");
            Assert.NotEmpty(found.EnumerateArray());
            Assert.All(found.EnumerateArray(), hit =>
            {
                Assert.Equal(id, hit.GetProperty("documentId").GetString());
                Assert.Equal(["manual"], hit.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
                Assert.StartsWith(id + ":", hit.GetProperty("id").GetString());
            });
        }

        using var deleted = await client.SendAsync(Platform.Testing.PlatformApi.Request(HttpMethod.Delete, $"/v1/documents/{id}", key));
        Assert.Equal(204, (int)deleted.StatusCode);
        await WaitForAsync(async () => await PointCountAsync(client, key, "documents") == 0, "the document's points to be deleted from Retrieval");
    }

    [Fact]
    public async Task Many_documents_of_one_account_all_end_indexed_with_every_chunk_once()
    {
        var client = _host.Client;
        var (_, key) = await CreateAccountAsync(client, 100_000_000);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await SubmitNewAsync(client, key, new { text = Markdown("atlas", 100 + i), contentType = "text/markdown", collection = "atlas" }));
        }

        var totals = 0L;
        foreach (var id in ids)
        {
            var document = await WaitUntilFinishedAsync(client, key, id, Finish);
            Assert.Equal("indexed", document.GetProperty("state").GetString());
            totals += document.GetProperty("chunksTotal").GetInt32();
        }

        Assert.Equal(totals, await PointCountAsync(client, key, "atlas"));
    }

    [Fact]
    public async Task Resubmitting_with_the_same_idempotency_key_returns_the_same_document_and_other_text_conflicts()
    {
        var client = _host.Client;
        var (_, key) = await CreateAccountAsync(client, 10_000_000);
        var idempotencyKey = "submit-" + Guid.NewGuid().ToString("N");

        var first = await SubmitAsync(client, key, new { text = "The first text." }, idempotencyKey);
        var replay = await SubmitAsync(client, key, new { text = "The first text." }, idempotencyKey);
        var sameTextNoKey = await SubmitAsync(client, key, new { text = "The first text." });
        var conflict = await SubmitAsync(client, key, new { text = "Another text entirely." }, idempotencyKey);

        Assert.Equal(201, first.Status);
        var id = first.Body.GetProperty("id").GetString();
        Assert.Equal((200, id), (replay.Status, replay.Body.GetProperty("id").GetString()));
        Assert.Equal((200, id), (sameTextNoKey.Status, sameTextNoKey.Body.GetProperty("id").GetString()));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("urn:platform:problem:idempotency-conflict", conflict.Body.GetProperty("type").GetString());
        Assert.Equal(id, conflict.Body.GetProperty("documentId").GetString());
        Assert.Equal("indexed", (await WaitUntilFinishedAsync(client, key, id!, Finish)).GetProperty("state").GetString());
        // One ingestion, one charge: the replays started nothing. (The event leaves through the outbox
        // after the state commits, so wait for it before counting.)
        Assert.IsType<DocumentIndexed>(await _host.WaitForEventAsync(id!, Finish));
        Assert.Single(_host.Events.OfType<DocumentIndexed>(), e => e.DocumentId == Guid.Parse(id!));
    }

    [Fact]
    public async Task A_collection_of_another_dimension_fails_the_document_at_the_upsert_step_with_retrievals_reason()
    {
        var client = _host.Client;
        var (accountId, key) = await CreateAccountAsync(client, 10_000_000);
        await UpsertPointAsync(client, key, "three-d", "existing", [1, 0, 0]);

        var id = await SubmitNewAsync(client, key, new { text = Markdown("gearbox", 7), contentType = "text/markdown", collection = "three-d" });
        var failed = await WaitUntilFinishedAsync(client, key, id, Finish);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("upsert", failed.GetProperty("failedStep").GetString());
        Assert.Contains("dimension-mismatch", failed.GetProperty("lastError").GetString());
        Assert.Equal(0, failed.GetProperty("chunksIndexed").GetInt32());
        var failure = Assert.IsType<DocumentIngestionFailed>(await _host.WaitForEventAsync(id, Finish));
        Assert.Equal((Guid.Parse(accountId), IngestionSteps.Upsert), (failure.AccountId, failure.Step));
        Assert.Equal(failed.GetProperty("lastError").GetString(), failure.Reason);
        Assert.Equal(1, await PointCountAsync(client, key, "three-d"));
    }

    [Fact]
    public async Task Insufficient_credits_fail_the_document_at_the_meter_step_and_its_chunks_leave_retrieval()
    {
        var client = _host.Client;
        var (_, key) = await CreateAccountAsync(client, 0);

        var id = await SubmitNewAsync(client, key, new { text = Markdown("vault", 3), contentType = "text/markdown", collection = "unpaid" });
        var failed = await WaitUntilFinishedAsync(client, key, id, Finish);

        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("meter", failed.GetProperty("failedStep").GetString());
        Assert.Contains("Insufficient credits", failed.GetProperty("lastError").GetString());
        Assert.Equal(failed.GetProperty("chunksTotal").GetInt32(), failed.GetProperty("chunksIndexed").GetInt32());
        Assert.Equal(IngestionSteps.Meter, Assert.IsType<DocumentIngestionFailed>(await _host.WaitForEventAsync(id, Finish)).Step);
        await WaitForAsync(async () => await PointCountAsync(client, key, "unpaid") == 0, "the unpaid document's points to be deleted");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Finish)
            {
                throw new TimeoutException($"Waited {Finish.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
