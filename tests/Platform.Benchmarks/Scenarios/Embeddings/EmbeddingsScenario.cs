using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;
using Platform.Inference.Models;

namespace Platform.Benchmarks.Scenarios.Embeddings;

/// <summary>
/// POST /v1/embeddings (one text per request, the shipped default model, dynamic batching on) at 32
/// concurrent clients and at one client, against the same ONNX session called directly in the same
/// process: batch 32 for throughput, batch 1 for latency. Also the API with dynamic batching off, with
/// the usage commit not awaited, the HTTP floor (auth + a fixed answer on the same host), and the
/// baseline's 32 texts sent as one request (what a batching caller gets).
/// Headline: sequences/s through the API at 32 clients; ratio: that / direct batch-32 sequences/s (goal >= 0.8).
/// </summary>
public sealed class EmbeddingsScenario : IScenario
{
    private const int Clients = 32;
    private const string ModelName = "platform-embed-256";

    private static readonly string[] Texts =
    [
        "command-line utility to compress and decompress files",
        "Python bindings for the PostgreSQL database",
        "web browser with tabs, bookmarks and private browsing",
        "fonts for displaying Chinese, Japanese and Korean characters",
        "documentation for the GNU C compiler",
        "library for rendering 3D graphics with OpenGL",
        "daemon that synchronises the system clock over the network",
        "tool to convert images between many formats",
        "development files for the XML parsing library",
        "terminal emulator for the X Window System",
        "music player with playlists and internet radio",
        "spell checker dictionaries for German",
        "scripts to manage virtual machines from the command line",
        "Perl module to parse and write JSON",
        "mail transport agent with spam filtering hooks",
        "shared library for reading and writing compressed archives",
    ];

    // The same texts as the direct baseline's batch, one request body each.
    private static readonly byte[][] Bodies = [.. Texts.Select(text => JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["model"] = ModelName, ["input"] = text }))];

    // The baseline's whole batch (the same 32 texts) in one request, as a caller that batches (Ingest) sends it.
    private static readonly byte[] Batch32Body = Batch32(base64: false);

    // The same with encoding_format base64, which OpenAI's own Python client asks for by default.
    private static readonly byte[] Batch32Base64Body = Batch32(base64: true);

    private const int BatchCallers = 4;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public string Name => "embeddings";

    public string Description => "POST /v1/embeddings at 32 clients and 1 client vs the same ONNX session called directly (batch 32, batch 1); dynamic batching on vs off";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var warmUp = context.Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(2);
        var duration = context.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(8);
        var (sequentialWarmUp, sequential) = context.Quick ? (20, 200) : (100, 1000);
        var jitWarmUp = context.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(12);

        await using var batched = await EmbeddingsHost.StartAsync(batching: true);
        await using var unbatched = await EmbeddingsHost.StartAsync(batching: false);
        await using var unawaited = await EmbeddingsHost.StartAsync(batching: true, waitForUsageCommit: false);
        var model = batched.Model(ModelName);
        var encoded = Texts.Select(t => model.Tokenizer.Encode(t, model.MaxSequenceLength).Ids).ToArray();
        var batch32 = Enumerable.Range(0, Clients).Select(i => encoded[i % encoded.Length]).ToArray();

        // Tiered JIT: the hosts share this process's code, and under load the JIT needs many seconds
        // to reach optimised code; measured before that, whichever phase ran first looked slowest.
        // Every path runs first, unmeasured, so each phase below is measured on settled code.
        context.Progress.WriteLine($"JIT warm-up: {Clients} clients for {jitWarmUp.TotalSeconds:0.#} s on each path (not measured)");
        for (var i = 0; i < 100; i++)
        {
            model.Run(batch32);
        }

        await MeasureApiAsync(batched, TimeSpan.Zero, jitWarmUp, 0, sequentialWarmUp, ct);
        await MeasureApiAsync(unbatched, TimeSpan.Zero, jitWarmUp, 0, sequentialWarmUp, ct);
        await MeasureApiAsync(batched, TimeSpan.Zero, jitWarmUp / 2, 0, sequentialWarmUp, ct, EmbeddingsHost.FloorPath);

        context.Progress.WriteLine($"direct session: batch {Clients} for {duration.TotalSeconds:0.#} s, then {sequential} single calls");
        var directBatch = await LoadRunner.ConcurrentAsync([_ => { model.Run(batch32); return Task.CompletedTask; }], warmUp, duration, ct);
        var directSingle = await LoadRunner.SequentialAsync(_ => { model.Run([encoded[0]]); return Task.CompletedTask; }, sequentialWarmUp, sequential, ct);

        context.Progress.WriteLine($"API, dynamic batching on: {Clients} clients for {duration.TotalSeconds:0.#} s, then {sequential} sequential requests");
        var (onConcurrent, onSingle) = await MeasureApiAsync(batched, warmUp, duration, sequentialWarmUp, sequential, ct);

        context.Progress.WriteLine($"HTTP floor (auth + a fixed answer, no model): {Clients} clients, then {sequential} sequential requests");
        var (floorConcurrent, floorSingle) = await MeasureApiAsync(batched, warmUp, duration, sequentialWarmUp, sequential, ct, EmbeddingsHost.FloorPath);

        context.Progress.WriteLine("API, dynamic batching off: the same");
        var (offConcurrent, offSingle) = await MeasureApiAsync(unbatched, warmUp, duration, sequentialWarmUp, sequential, ct);

        context.Progress.WriteLine($"API, {Clients} texts per request (the baseline's batch): {BatchCallers} clients for {duration.TotalSeconds:0.#} s");
        using var batchClient = batched.CreateClient();
        var batchCallers = Enumerable.Range(0, BatchCallers).Select(_ => (Operation)(token => PostAsync(batchClient, Batch32Body, token))).ToArray();
        var batchRequests = await LoadRunner.ConcurrentAsync(batchCallers, warmUp, duration, ct);
        context.Progress.WriteLine($"API, {Clients} texts per request, base64 vectors: {BatchCallers} clients for {duration.TotalSeconds:0.#} s");
        var base64Callers = Enumerable.Range(0, BatchCallers).Select(_ => (Operation)(token => PostAsync(batchClient, Batch32Base64Body, token))).ToArray();
        var base64Requests = await LoadRunner.ConcurrentAsync(base64Callers, warmUp, duration, ct);

        context.Progress.WriteLine($"API, usage commit not awaited (Inference:Usage:WaitForCommit=false): {sequential} sequential requests");
        using var unawaitedClient = unawaited.CreateClient();
        var unawaitedSingle = await LoadRunner.SequentialAsync(token => PostAsync(unawaitedClient, Bodies[0], token), sequentialWarmUp, sequential, ct);

        var directSequencesPerSecond = directBatch.Throughput * Clients;
        var results = new JsonObject
        {
            ["stack"] = "POST /v1/embeddings, one text per request, HttpClient over loopback, auth + validation + tokenisation + dynamic batching",
            ["concurrent"] = Describe(onConcurrent, Clients),
            ["sequential"] = onSingle.ToJson(),
            ["batching_off"] = new JsonObject
            {
                ["concurrent"] = Describe(offConcurrent, Clients),
                ["sequential"] = offSingle.ToJson(),
            },
            ["http_floor"] = new JsonObject
            {
                ["stack"] = "the same host, auth + service defaults, a fixed answer of the same size: no JSON parsing, model or usage",
                ["concurrent"] = Describe(floorConcurrent, Clients),
                ["sequential"] = floorSingle.ToJson(),
            },
            ["usage_commit_not_awaited"] = new JsonObject { ["sequential"] = unawaitedSingle.ToJson() },
            ["p50_over_direct_ms"] = Math.Round(onSingle.P50Ms - directSingle.P50Ms, 3),
            ["batch_per_request"] = Describe(batchRequests, BatchCallers, sequencesPerCall: Clients),
            ["batch_per_request_ratio"] = directSequencesPerSecond > 0 ? Math.Round(batchRequests.Throughput * Clients / directSequencesPerSecond, 3) : 0,
            ["batch_per_request_base64"] = Describe(base64Requests, BatchCallers, sequencesPerCall: Clients),
            ["batch_per_request_base64_ratio"] = directSequencesPerSecond > 0 ? Math.Round(base64Requests.Throughput * Clients / directSequencesPerSecond, 3) : 0,
            ["ratio_to_http_floor"] = floorConcurrent.Throughput > 0 ? Math.Round(onConcurrent.Throughput / floorConcurrent.Throughput, 3) : 0,
        };
        var baseline = new JsonObject
        {
            ["stack"] = $"the same InferenceSession (OnnxModel.Run), pre-tokenised: batch {Clients} for throughput, batch 1 for latency",
            ["concurrent"] = Describe(directBatch, Clients, sequencesPerCall: Clients),
            ["sequential"] = directSingle.ToJson(),
        };
        return new BenchmarkResult(
            Name,
            new Headline($"API sequences/s at {Clients} clients", Math.Round(onConcurrent.Throughput, 1), "sequences/s"),
            directSequencesPerSecond > 0 ? Math.Round(onConcurrent.Throughput / directSequencesPerSecond, 3) : 0,
            results,
            baseline,
            MachineInfo.Current());
    }

    private static byte[] Batch32(bool base64)
    {
        var body = new JsonObject
        {
            ["model"] = ModelName,
            ["input"] = new JsonArray([.. Enumerable.Range(0, Clients).Select(i => (JsonNode)JsonValue.Create(Texts[i % Texts.Length]))]),
        };
        if (base64)
        {
            body["encoding_format"] = "base64";
        }

        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private static async Task<(LatencyStats Concurrent, LatencyStats Single)> MeasureApiAsync(
        EmbeddingsHost host, TimeSpan warmUp, TimeSpan duration, int sequentialWarmUp, int sequential, CancellationToken ct, string path = "/v1/embeddings")
    {
        using var client = host.CreateClient();
        var callers = Enumerable.Range(0, Clients).Select(i => (Operation)(token => PostAsync(client, Bodies[i % Bodies.Length], token, path))).ToArray();
        var concurrent = await LoadRunner.ConcurrentAsync(callers, warmUp, duration, ct);
        var single = await LoadRunner.SequentialAsync(token => PostAsync(client, Bodies[0], token, path), sequentialWarmUp, sequential, ct);
        return (concurrent, single);
    }

    private static async Task PostAsync(HttpClient client, byte[] body, CancellationToken ct, string path = "/v1/embeddings")
    {
        // The body is serialised once per text: the client shares this process's cores with the
        // server, so its own JSON work would be charged to the platform.
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonContentType;
        using var response = await client.PostAsync(path, content, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/embeddings answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        await response.Content.ReadAsByteArrayAsync(ct);
    }

    private static JsonObject Describe(LatencyStats stats, int callers, int sequencesPerCall = 1)
    {
        var json = stats.ToJson();
        json.Insert(0, "callers", callers);
        json["sequences_per_call"] = sequencesPerCall;
        json["sequences_per_s"] = Math.Round(stats.Throughput * sequencesPerCall, 1);
        return json;
    }
}
