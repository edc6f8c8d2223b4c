using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.CadGenerator.Geometry;
using Platform.ServiceDefaults;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.Agents.Tests;

/// <summary>
/// The whole platform, every service its own process over RabbitMQ and PostgreSQL: documents are ingested (Ingest ->
/// Inference embeddings -> Retrieval), then a run searches them, classifies what it found, and generates a CAD part
/// from it; SafetyGuard sends the cad.generate step for approval, which arrives over HTTP; the STL is fetched and
/// validated; and Billing's usage, transfers and statement show exactly the prices times the quantities.
/// </summary>
public sealed class EndToEndTests(EndToEndPlatform platform) : IClassFixture<EndToEndPlatform>
{
    private const long Credits = 50_000_000;
    private const long ToolCallPrice = 1_000;
    private const long ClassifierInputPerMillion = 1_000_000;
    private const long EmbeddingPerMillion = 2_000_000;
    private const long RenderPerSecond = 1_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    private const string Policy =
        """
        id: end-to-end
        prompt:
          rules:
            - id: secrets.block
              detectors: [private_key]
              action: deny
        actions:
          maxCost: 100000000
          risk: {low: allow, medium: allow, high: require_approval, critical: deny}
          tools:
            retrieval.search: {risk: low}
            inference.classify: {risk: low}
            cad.generate: {risk: high}
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Billing => platform[PlatformServices.Billing].Client;

    private HttpClient Agents => platform[PlatformServices.Agents].Client;

    [Fact]
    public async Task Ingest_search_classify_and_an_approved_cad_part_charge_exactly_the_prices()
    {
        using (var prices = await Billing.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new
        {
            toolCall = ToolCallPrice,
            cadRenderPerSecond = RenderPerSecond,
            models = new Dictionary<string, object>
            {
                ["platform-embed-256"] = new { inputPerMillionTokens = 0, outputPerMillionTokens = 0, embeddingPerMillionTokens = EmbeddingPerMillion },
                ["platform-debian-section"] = new { inputPerMillionTokens = ClassifierInputPerMillion, outputPerMillionTokens = 0, embeddingPerMillionTokens = 0 },
            },
        }), Cancel))
        {
            await ReadJsonAsync(prices, 200);
        }

        var (accountId, key) = await CreateAccountWithKeyAsync(Billing, "end-to-end");
        using (var deposit = await Billing.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
            new { transferId = "e2e-deposit", amount = Credits }), Cancel))
        {
            await ReadJsonAsync(deposit, 201);
        }

        using (var policy = new HttpRequestMessage(HttpMethod.Put, "/v1/policies"))
        {
            policy.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            policy.Content = new StringContent(Policy, Encoding.UTF8, "application/yaml");
            using var response = await platform[PlatformServices.SafetyGuard].Client.SendAsync(policy, Cancel);
            await ReadJsonAsync(response, 200);
        }

        // 1. Documents in: one describes the part, the others are about something else.
        var ingest = platform[PlatformServices.Ingest].Client;
        string[] texts =
        [
            "Mounting plate 60 x 40 x 3 mm with four M3 holes.",
            "The backup job copies the database to the archive server every night and keeps thirty days of copies.",
            "To configure the network interface, edit the interfaces file and restart the networking service.",
        ];
        var documents = new List<string>();
        foreach (var text in texts)
        {
            using var submit = await ingest.SendAsync(Request(HttpMethod.Post, "/v1/documents", key, new { text, contentType = "text/plain" }), Cancel);
            documents.Add((await ReadJsonAsync(submit, 201)).GetProperty("id").GetString()!);
        }

        foreach (var id in documents)
        {
            var state = await PollAsync(ingest, key, $"/v1/documents/{id}", d => d.GetProperty("state").GetString() is "indexed" or "failed");
            Assert.True(state.GetProperty("state").GetString() == "indexed", $"document {id}: {state}\n{platform.Tail()}");
        }

        // 2. The run: search -> classify what was found -> a CAD part from it, which SafetyGuard sends for approval.
        using var start = await Agents.SendAsync(Request(HttpMethod.Post, "/v1/runs", key, new
        {
            goal = "Make the part the documents describe",
            plan = new
            {
                steps = new object[]
                {
                    new { id = "search", tool = "retrieval.search", arguments = new { query = "mounting plate with M3 holes", topK = 1 } },
                    new
                    {
                        id = "classify",
                        tool = "inference.classify",
                        arguments = new { text = Ref("steps.search.output.chunks[0].text"), model = "platform-debian-section" },
                    },
                    new { id = "part", tool = "cad.generate", arguments = new { prompt = Ref("steps.search.output.chunks[0].text") } },
                },
            },
            budget = 5_000_000,
        }), Cancel);
        var runId = (await ReadJsonAsync(start, 202)).GetProperty("id").GetString()!;

        var waiting = await PollAsync(Agents, key, $"/v1/runs/{runId}", r => r.GetProperty("state").GetString() is "awaiting_approval" or "completed" or "failed");
        Assert.True(waiting.GetProperty("state").GetString() == "awaiting_approval", $"{waiting}\n{platform.Tail()}");
        var pending = waiting.GetProperty("steps")[2];
        Assert.Equal("cad.generate", pending.GetProperty("tool").GetString());
        Assert.Equal(texts[0], pending.GetProperty("input").GetProperty("prompt").GetString());
        Assert.Contains(pending.GetProperty("decisions").EnumerateArray(),
            d => d.GetProperty("kind").GetString() == "guard" && d.GetProperty("decision").GetString() == "require_approval");
        Assert.Equal(0, await CadJobCountAsync(key));

        using (var approval = await Agents.SendAsync(Request(HttpMethod.Post, $"/v1/runs/{runId}/approvals", key,
            new { decision = "approve", approver = "engineer@example.com", reason = "dimensions checked" }), Cancel))
        {
            await ReadJsonAsync(approval, 202);
        }

        var done = await PollAsync(Agents, key, $"/v1/runs/{runId}", r => r.GetProperty("state").GetString() is "completed" or "failed" or "budget_exhausted" or "cancelled");
        Assert.True(done.GetProperty("state").GetString() == "completed", $"{done}\n{platform.Tail()}");
        var steps = done.GetProperty("steps").EnumerateArray().ToList();
        var found = steps[0].GetProperty("output").GetProperty("chunks")[0];
        Assert.Equal(documents[0], found.GetProperty("documentId").GetString());
        Assert.False(string.IsNullOrEmpty(steps[1].GetProperty("output").GetProperty("label").GetString()));

        // 3. The part: one job, made from the document's words, whose STL is a valid closed mesh of the plate's size.
        var part = steps[2].GetProperty("output");
        var jobId = part.GetProperty("jobId").GetString()!;
        Assert.Equal(1, await CadJobCountAsync(key));
        Assert.Equal("plate_with_holes", part.GetProperty("templateId").GetString());
        var cad = platform[PlatformServices.CadGenerator].Client;
        using var stlResponse = await cad.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{jobId}/model.stl", key), Cancel);
        Assert.Equal(200, (int)stlResponse.StatusCode);
        var stl = await stlResponse.Content.ReadAsByteArrayAsync(Cancel);
        var triangles = StlReader.Read(stl);
        Assert.Equal(part.GetProperty("triangles").GetInt32(), triangles.Count);
        var report = MeshValidator.Validate(triangles, null);
        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => f.ToString())));
        Assert.Equal([60, 40, 3], report.BoundingBoxSize.Select(v => Math.Round(v, 3)));

        // 4. Billing: each usage record is its quantities times the prices; the run is captured once, for exactly the
        // steps' costs (the CAD job was paid from the run's reservation: no reservation or capture of its own); the
        // embeddings were charged at once; the statement reconciles to the balance.
        var usage = await ListAsync(key, "/v1/usage?limit=100");
        foreach (var u in usage)
        {
            Assert.Equal(Price(u), u.GetProperty("charge").GetInt64());
        }

        var runUsage = usage.Where(u => u.GetProperty("runId").GetString() == runId).ToList();
        Assert.Equal(["cad-render", "classification", "tool-call"], runUsage.Select(u => u.GetProperty("kind").GetString()).Order());
        var cadUsage = runUsage.Single(u => u.GetProperty("kind").GetString() == "cad-render");
        Assert.True(cadUsage.GetProperty("renderMilliseconds").GetInt64() > 0);
        Assert.Equal(part.GetProperty("chargedMicroCredits").GetInt64(), cadUsage.GetProperty("charge").GetInt64());
        var runCost = runUsage.Sum(u => u.GetProperty("charge").GetInt64());
        Assert.Equal(runCost, steps.Sum(s => s.GetProperty("cost").GetInt64()));
        Assert.Equal(runCost, done.GetProperty("charged").GetInt64());

        var reservations = await ListAsync(key, "/v1/transfers?kind=reserve&limit=100");
        Assert.Equal($"agents-{Guid.Parse(runId):N}-reserve", Assert.Single(reservations).GetProperty("id").GetString());
        var capture = Assert.Single(await ListAsync(key, "/v1/transfers?kind=capture&limit=100"));
        Assert.Equal(runCost, capture.GetProperty("amount").GetInt64());

        var embedding = usage.Where(u => u.GetProperty("kind").GetString() == "embedding").ToList();
        Assert.NotEmpty(embedding);
        var embeddingCost = embedding.Sum(u => u.GetProperty("charge").GetInt64());
        Assert.True(embeddingCost > 0);

        using var statementResponse = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/statement", key), Cancel);
        var statement = await ReadJsonAsync(statementResponse, 200);
        Assert.Equal(Credits, statement.GetProperty("deposits").GetInt64());
        Assert.Equal(runCost, statement.GetProperty("captures").GetInt64());
        Assert.Equal(embeddingCost, statement.GetProperty("charges").GetInt64());
        Assert.Equal(Credits - runCost - embeddingCost, statement.GetProperty("closing").GetInt64());
        Assert.True(statement.GetProperty("reconciles").GetBoolean(), statement.ToString());
        Assert.Equal(0, statement.GetProperty("pendingNow").GetInt64());
    }

    private static Dictionary<string, string> Ref(string path) => new() { ["$ref"] = path };

    /// <summary>The price of a usage record by the prices this test set: tokens per million, render per second, calls; rounded up.</summary>
    private static long Price(JsonElement usage)
    {
        var model = usage.TryGetProperty("model", out var m) ? m.GetString() : null;
        Int128 scaled = (Int128)usage.GetProperty("toolCalls").GetInt64() * ToolCallPrice * 1_000_000
            + (Int128)usage.GetProperty("renderMilliseconds").GetInt64() * RenderPerSecond * 1_000
            + (Int128)usage.GetProperty("embeddingTokens").GetInt64() * (model == "platform-embed-256" ? EmbeddingPerMillion : 0)
            + (Int128)usage.GetProperty("inputTokens").GetInt64() * (model == "platform-debian-section" ? ClassifierInputPerMillion : 0);
        return (long)((scaled + 999_999) / 1_000_000);
    }

    private async Task<int> CadJobCountAsync(string key) =>
        (await ListAsync(key, "/v1/cad/jobs?limit=100", platform[PlatformServices.CadGenerator].Client)).Count;

    private async Task<List<JsonElement>> ListAsync(string key, string path, HttpClient? client = null)
    {
        using var response = await (client ?? Billing).SendAsync(Request(HttpMethod.Get, path, key), Cancel);
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> PollAsync(HttpClient client, string key, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.SendAsync(Request(HttpMethod.Get, path, key), Cancel);
            last = await ReadJsonAsync(response, 200);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(200, Cancel);
        }

        throw new TimeoutException($"{path} did not finish within {Wait.TotalSeconds} s: {last}\n{platform.Tail()}");
    }
}

/// <summary>All seven services as processes; CadGenerator designs from prompts with its parser (no LLM route here).</summary>
public sealed class EndToEndPlatform : DistributedPlatform
{
    protected override void Configure(IDictionary<string, string> environment)
    {
        AgentsSettings.ApplyTo(environment);
        environment["CadGenerator__Design__Model"] = "";
    }

    public string Tail() => string.Join("\n", All.Select(s => $"--- {s.Name} ---\n{s.Tail(25)}"));
}
