using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Ingest.Chunking;
using Platform.Ingest.Documents;
using Platform.Ingest.Ingestion;

namespace Platform.Benchmarks.Scenarios.Ingest;

/// <summary>
/// End-to-end ingestion over RabbitMQ and PostgreSQL (<see cref="IngestHost"/>): documents submitted
/// over HTTP by 8 clients until each is indexed (chunked, embedded through Inference, upserted into
/// Retrieval, metered in Billing, every step through the IngestionSaga), against the embedding step
/// alone in the same run: the same chunks, cut by the same chunker, run through the same ONNX session
/// in batches of the saga's batch size, one batch after another. Headline documents/s; ratio
/// platform / embedding alone.
/// </summary>
public sealed class IngestScenario : IScenario
{
    private const int Clients = 8;
    private const string Model = "platform-embed-256";

    public string Name => "ingest";

    public string Description => "documents/s from POST /v1/documents to indexed over RabbitMQ + PostgreSQL vs the embedding step alone";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var documents = context.Quick ? 40 : 400;
        var rabbit = RabbitMqEnvironment.FromEnvironment();
        await rabbit.EnsureReachableAsync(ct);
        await using var postgres = await PostgresEnvironment.CreateAsync(ct);
        await using var vhost = await rabbit.CreateVirtualHostAsync("bench-ingest", ct);
        context.Progress.WriteLine($"RabbitMQ vhost '{vhost.Name}', PostgreSQL databases '{postgres.Prefix}*' (both deleted at the end)");
        await using var host = await IngestHost.StartAsync(rabbit, vhost.Name, postgres);
        using var client = await AccountClientAsync(host, ct);

        var texts = Enumerable.Range(0, documents).Select(Document).ToList();
        var warmUp = Enumerable.Range(0, 8).Select(i => Document(1_000_000 + i)).ToList();
        context.Progress.WriteLine($"warm-up: {warmUp.Count} documents");
        await IngestAsync(client, warmUp, ct);

        context.Progress.WriteLine($"platform: {documents} documents, {Clients} clients");
        var cpuBefore = CpuSample.Take();
        var clock = Stopwatch.StartNew();
        var finished = await IngestAsync(client, texts, ct);
        var elapsed = clock.Elapsed.TotalSeconds;
        var platformCpu = CpuSample.Take() - cpuBefore;
        var chunks = finished.Sum(d => d.Chunks);
        var failed = finished.Count(d => d.State != "indexed");
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} documents did not end indexed: {finished.First(d => d.State != "indexed")}");
        }

        var latencies = finished.Select(d => d.Milliseconds).Order().ToArray();

        context.Progress.WriteLine("baseline: the same chunks through the same ONNX session, batch by batch");
        var model = host.Model(Model);
        var batchSize = new IngestionOptions().BatchSize;
        var chunking = new ChunkingOptions();
        var encodedWarmUp = warmUp.SelectMany(t => TokenChunker.Split(t, ContentTypes.FormatOf("text/markdown"), chunking, model.Tokenizer)).Select(c => model.Tokenizer.Encode(c.Text, model.MaxSequenceLength).Ids).ToList();
        foreach (var batch in encodedWarmUp.Chunk(batchSize))
        {
            model.Run([.. batch]);
        }

        cpuBefore = CpuSample.Take();
        clock.Restart();
        var baselineChunks = 0;
        foreach (var text in texts)
        {
            // Per document, as the saga does: chunk, then embed its chunks in batches.
            var encoded = TokenChunker.Split(text, ContentTypes.FormatOf("text/markdown"), chunking, model.Tokenizer)
                .Select(c => model.Tokenizer.Encode(c.Text, model.MaxSequenceLength).Ids).ToList();
            baselineChunks += encoded.Count;
            foreach (var batch in encoded.Chunk(batchSize))
            {
                model.Run([.. batch]);
            }
        }

        var baselineElapsed = clock.Elapsed.TotalSeconds;
        var baselineCpu = CpuSample.Take() - cpuBefore;

        var platformRate = documents / elapsed;
        var baselineRate = documents / baselineElapsed;
        var results = new JsonObject
        {
            ["stack"] = "POST /v1/documents -> IngestionSaga over RabbitMQ (embed via Inference, upsert into Retrieval, meter in Billing), PostgreSQL, until indexed",
            ["documents"] = documents,
            ["chunks"] = chunks,
            ["duration_s"] = Math.Round(elapsed, 3),
            ["documents_per_s"] = Math.Round(platformRate, 1),
            ["chunks_per_s"] = Math.Round(chunks / elapsed, 1),
            ["document_p50_ms"] = Percentile(latencies, 0.50),
            ["document_p99_ms"] = Percentile(latencies, 0.99),
            ["process_cpu_ms_per_document"] = Math.Round(platformCpu.Process.TotalMilliseconds / documents, 3),
        };
        var baseline = new JsonObject
        {
            ["stack"] = $"the same chunker and ONNX session ({Model}), batches of {batchSize}, no bus, no database",
            ["documents"] = documents,
            ["chunks"] = baselineChunks,
            ["duration_s"] = Math.Round(baselineElapsed, 3),
            ["documents_per_s"] = Math.Round(baselineRate, 1),
            ["chunks_per_s"] = Math.Round(baselineChunks / baselineElapsed, 1),
            ["process_cpu_ms_per_document"] = Math.Round(baselineCpu.Process.TotalMilliseconds / documents, 3),
        };
        return new BenchmarkResult(
            Name,
            new Headline("documents indexed/s end to end over RabbitMQ", Math.Round(platformRate, 1), "documents/s"),
            Math.Round(platformRate / baselineRate, 4),
            results,
            baseline,
            MachineInfo.Current());
    }

    private sealed record Finished(string State, int Chunks, double Milliseconds);

    private static async Task<HttpClient> AccountClientAsync(IngestHost host, CancellationToken ct)
    {
        using var admin = host.CreateClient(IngestHost.AdminKey);
        return host.CreateClient(await PlatformHttp.CreateAccountKeyAsync(admin, "bench-ingest", credits: 0, ct));
    }

    /// <summary>Submits every text (8 at a time) and waits until each is indexed or failed.</summary>
    private static async Task<List<Finished>> IngestAsync(HttpClient client, List<string> texts, CancellationToken ct)
    {
        var ids = new string[texts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, texts.Count), new ParallelOptions { MaxDegreeOfParallelism = Clients, CancellationToken = ct }, async (i, cancel) =>
        {
            var body = await PlatformHttp.ExpectAsync(await client.PostAsJsonAsync("/v1/documents", new { text = texts[i], contentType = "text/markdown" }, cancel), 201, cancel);
            ids[i] = body.GetProperty("id").GetString()!;
        });

        var done = new Dictionary<string, Finished>();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (done.Count < ids.Length)
        {
            foreach (var id in ids.Where(id => !done.ContainsKey(id)))
            {
                var status = await PlatformHttp.ExpectAsync(await client.GetAsync($"/v1/documents/{id}", ct), 200, ct);
                var state = status.GetProperty("state").GetString()!;
                if (state is "indexed" or "failed")
                {
                    var created = DateTimeOffset.Parse(status.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture);
                    var finishedAt = DateTimeOffset.Parse(status.GetProperty("finishedAt").GetString()!, CultureInfo.InvariantCulture);
                    done[id] = new Finished(state, status.GetProperty("chunksTotal").GetInt32(), (finishedAt - created).TotalMilliseconds);
                }
                else
                {
                    break;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{ids.Length - done.Count} documents were not finished within 10 minutes.");
            }

            if (done.Count < ids.Length)
            {
                await Task.Delay(100, ct);
            }
        }

        return [.. done.Values];
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);

    /// <summary>A Markdown document of about 3 KB in 4 sections (3-4 chunks at the default chunk size), different for every seed.</summary>
    private static string Document(int seed)
    {
        var random = new Random(seed);
        string[] words = ["river", "engine", "garden", "ledger", "orbit", "violin", "harbor", "meadow", "crystal", "lantern", "quartz", "falcon", "signal", "copper"];
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"# Report {seed}\n\n");
        for (var section = 0; section < 4; section++)
        {
            text.Append(CultureInfo.InvariantCulture, $"## Part {section}\n\n");
            for (var sentence = 0; sentence < 8; sentence++)
            {
                text.AppendJoin(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)])).Append(". ");
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }
}
