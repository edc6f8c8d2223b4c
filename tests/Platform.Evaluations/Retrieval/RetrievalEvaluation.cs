using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.ServiceDefaults;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Evaluations.Retrieval;

/// <summary>
/// Search quality of the running platform on a BEIR-style labelled set (Data/retrieval: Debian package
/// descriptions held out of the embedding model's training; see Data/make_retrieval_set.py). The
/// standalone host runs as its own process, exactly as a user starts it; every corpus document is
/// ingested through POST /v1/documents (chunked, embedded, indexed by the IngestionSaga), then every
/// query is searched with POST /v1/search in bm25, vector and hybrid mode. Chunks are folded into
/// their documents (best rank counts). Reported: recall@10 and nDCG@10 (one relevant document per
/// query, so nDCG@10 = 1/log2(rank + 1) when it is in the top 10), and MRR@10. The headline is
/// hybrid nDCG@10; the ratio compares it with BM25 alone, the baseline.
/// </summary>
public sealed class RetrievalEvaluation : IEvaluation
{
    private const int K = 10;
    private static readonly string[] Modes = ["bm25", "vector", "hybrid"];

    public string Name => "retrieval";

    public string Description => "recall@10 / nDCG@10 of bm25, vector and hybrid search through the standalone host (Debian descriptions, BEIR-style qrels)";

    public EvaluationResult Run(TextWriter progress) => RunAsync(progress).GetAwaiter().GetResult();

    private async Task<EvaluationResult> RunAsync(TextWriter progress)
    {
        var data = Path.Combine(AppContext.BaseDirectory, "Data", "retrieval");
        var corpus = ReadJsonLines(Path.Combine(data, "corpus.jsonl")).ToDictionary(d => d.GetProperty("_id").GetString()!, d => d.GetProperty("text").GetString()!);
        var queries = ReadJsonLines(Path.Combine(data, "queries.jsonl")).ToDictionary(q => q.GetProperty("_id").GetString()!, q => q.GetProperty("text").GetString()!);
        var qrels = File.ReadLines(Path.Combine(data, "qrels.tsv")).Skip(1).Select(l => l.Split('\t')).Where(f => f[2] != "0").ToDictionary(f => f[0], f => f[1]);
        progress.WriteLine($"{corpus.Count} documents, {queries.Count} queries, {qrels.Count} judgements");

        var ports = PlatformServices.All.ToDictionary(s => s, _ => FreePort.Next());
        var directory = Path.Combine(Path.GetTempPath(), "platform-eval-retrieval-" + Guid.NewGuid().ToString("N")[..8]);
        var environment = PlatformSettings.Standalone(directory);
        foreach (var (service, port) in ports)
        {
            environment[$"Standalone__Ports__{service}"] = port.ToString(CultureInfo.InvariantCulture);
        }

        await using var host = await ServiceProcess.StartAsync(
            "standalone", RepositoryPaths.ProgramDll(Path.Combine("aspire", "Platform.Standalone"), "Platform.Standalone"), environment,
            urls: [$"http://127.0.0.1:{ports[PlatformServices.Billing]}"], readyTimeout: TimeSpan.FromMinutes(2));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            Uri Api(string service, string path) => new($"http://127.0.0.1:{ports[service]}{path}");
            var (_, key) = await CreateAccountWithKeyAsync(host.Client);

            // Ingest every document; identical texts are one document (Ingest deduplicates by content).
            var documentOf = new Dictionary<string, string>();
            var submitted = 0;
            await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (entry, cancel) =>
            {
                using var response = await http.SendAsync(Request(HttpMethod.Post, Api(PlatformServices.Ingest, "/v1/documents").ToString(), key,
                    new { text = entry.Value, contentType = "text/plain", title = entry.Key }), cancel);
                var body = await ReadJsonAsync(response, (int)response.StatusCode is 200 ? 200 : 201);
                lock (documentOf)
                {
                    documentOf[entry.Key] = body.GetProperty("id").GetString()!;
                    if (++submitted % 500 == 0)
                    {
                        progress.WriteLine($"submitted {submitted}");
                    }
                }
            });

            await WaitUntilIndexedAsync(http, Api(PlatformServices.Ingest, "/v1/documents"), key, documentOf.Values.Distinct().Count(), progress);

            var judged = qrels.Where(q => queries.ContainsKey(q.Key) && documentOf.ContainsKey(q.Value)).ToList();
            var scores = Modes.ToDictionary(m => m, _ => new Scores());
            var searched = 0;
            await Parallel.ForEachAsync(judged, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (judgement, cancel) =>
            {
                var relevant = documentOf[judgement.Value];
                foreach (var mode in Modes)
                {
                    using var response = await http.SendAsync(Request(HttpMethod.Post, Api(PlatformServices.Retrieval, "/v1/search").ToString(), key,
                        new { collection = "documents", query = queries[judgement.Key], mode, limit = 3 * K }), cancel);
                    var ranked = (await ReadJsonAsync(response, 200)).GetProperty("results").EnumerateArray()
                        .Select(hit => hit.GetProperty("documentId").GetString()!).Distinct().Take(K).ToList();
                    scores[mode].Add(ranked.IndexOf(relevant));
                }

                if (Interlocked.Increment(ref searched) % 500 == 0)
                {
                    progress.WriteLine($"searched {searched} queries");
                }
            });

            return Result(corpus.Count, documentOf.Values.Distinct().Count(), judged.Count, scores);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder does not change the figures.
            }
        }
    }

    private static async Task WaitUntilIndexedAsync(HttpClient http, Uri documents, string key, int expected, TextWriter progress)
    {
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (true)
        {
            var states = new Dictionary<string, int>();
            string? after = null;
            do
            {
                using var response = await http.SendAsync(Request(HttpMethod.Get, $"{documents}?limit=1000{(after is null ? "" : "&after=" + after)}", key));
                var page = await ReadJsonAsync(response, 200);
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    var state = item.GetProperty("state").GetString()!;
                    states[state] = states.GetValueOrDefault(state) + 1;
                }

                after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (after is not null);

            if (states.GetValueOrDefault("failed") > 0)
            {
                throw new InvalidOperationException($"{states["failed"]} documents failed to ingest; the figures would not be comparable.");
            }

            if (states.GetValueOrDefault("indexed") == expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not every document was indexed within 30 minutes: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}.");
            }

            progress.WriteLine($"indexing: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}");
            await Task.Delay(2000);
        }
    }

    private static EvaluationResult Result(int corpusSize, int documents, int queries, Dictionary<string, Scores> scores)
    {
        JsonObject Row(Scores s) => new()
        {
            ["recall_at_10"] = Math.Round(s.Recall, 4),
            ["ndcg_at_10"] = Math.Round(s.Ndcg, 4),
            ["mrr_at_10"] = Math.Round(s.Mrr, 4),
            ["recall_at_1"] = Math.Round(s.RecallAt1, 4),
        };

        var hybrid = scores["hybrid"];
        var bm25 = scores["bm25"];
        var json = new JsonObject
        {
            ["scenario"] = "retrieval",
            ["headline"] = new JsonObject { ["name"] = "hybrid nDCG@10", ["value"] = Math.Round(hybrid.Ndcg, 4), ["unit"] = "nDCG@10" },
            ["ratio"] = bm25.Ndcg == 0 ? 0 : Math.Round(hybrid.Ndcg / bm25.Ndcg, 3),
            ["results"] = new JsonObject { ["queries"] = queries, ["documents"] = documents, ["vector"] = Row(scores["vector"]), ["hybrid"] = Row(hybrid) },
            ["baseline"] = new JsonObject { ["queries"] = queries, ["documents"] = documents, ["bm25"] = Row(bm25) },
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["dotnet"] = Environment.Version.ToString(),
                ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            },
        };

        var markdown = new StringBuilder();
        markdown.AppendLine("# Retrieval evaluation");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Generated by `dotnet run -c Release --project tests/Platform.Evaluations -- retrieval` ({json["machine"]!["date_utc"]}); do not edit by hand.");
        markdown.AppendLine();
        markdown.AppendLine("The whole platform path, as a user runs it: the standalone host as its own process; every corpus");
        markdown.AppendLine("document ingested through `POST /v1/documents` (chunked, embedded with the default `platform-embed-256`,");
        markdown.AppendLine("indexed by the IngestionSaga); every query searched through `POST /v1/search` in each mode; chunks");
        markdown.AppendLine("folded into their documents (best rank counts).");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Labelled set (`tests/Platform.Evaluations/Data/retrieval`, BEIR format: corpus.jsonl, queries.jsonl, qrels.tsv; written by");
        markdown.AppendLine(CultureInfo.InvariantCulture, $"`Data/make_retrieval_set.py`): Debian bookworm package descriptions of the source packages held out of the");
        markdown.AppendLine(CultureInfo.InvariantCulture, $"embedding model's training; each package's short description is a query, its long description the one");
        markdown.AppendLine(CultureInfo.InvariantCulture, $"relevant document. {corpusSize:N0} corpus entries ({documents:N0} distinct documents), {queries:N0} judged queries.");
        markdown.AppendLine();
        markdown.AppendLine("| mode | recall@10 | nDCG@10 | MRR@10 | recall@1 |");
        markdown.AppendLine("|---|---|---|---|---|");
        foreach (var mode in Modes)
        {
            var s = scores[mode];
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {mode}{(mode == "bm25" ? " (baseline)" : "")} | {s.Recall:0.000} | {s.Ndcg:0.000} | {s.Mrr:0.000} | {s.RecallAt1:0.000} |");
        }

        markdown.AppendLine();
        markdown.AppendLine("`vector` is cosine similarity on the embedding index; `hybrid` fuses the BM25 and vector rankings with");
        markdown.AppendLine("reciprocal rank fusion (Retrieval's README). One relevant document per query, so nDCG@10 is 1/log2(rank + 1)");
        markdown.AppendLine("when it is within the first ten, else 0.");
        return new EvaluationResult(json, markdown.ToString());
    }

    private static IEnumerable<JsonElement> ReadJsonLines(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    /// <summary>Ranks (0-based, -1 when not in the top 10) of each query's relevant document.</summary>
    private sealed class Scores
    {
        private readonly List<int> _ranks = [];

        public void Add(int rank)
        {
            lock (_ranks)
            {
                _ranks.Add(rank);
            }
        }

        public double Recall => _ranks.Count(r => r >= 0) / (double)_ranks.Count;

        public double RecallAt1 => _ranks.Count(r => r == 0) / (double)_ranks.Count;

        public double Ndcg => _ranks.Sum(r => r >= 0 ? 1 / Math.Log2(r + 2) : 0) / _ranks.Count;

        public double Mrr => _ranks.Sum(r => r >= 0 ? 1.0 / (r + 1) : 0) / _ranks.Count;
    }
}
