using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Inference;
using Platform.Tokenizers.WordPiece;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>POST /v1/embeddings, /v1/classify, /v1/models and the Embed bus request on a running Inference with the shipped model.</summary>
public sealed class EmbeddingsApiTests : IAsyncLifetime
{
    private OnnxHost _host = null!;

    private static readonly WordPieceTokenizer Tokenizer = WordPieceTokenizer.Load(Path.Combine(DefaultModel.Folder, "vocab.txt"), lowercase: true);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static int Tokens(string text) => Tokenizer.Encode(text, 512).Ids.Length;

    public async ValueTask InitializeAsync() => _host = await OnnxHost.StartAsync(new Dictionary<string, string?> { ["Inference:MaxInputs"] = "8" });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string path, string json)
    {
        var response = await _host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Answers_in_OpenAI_shape_and_reports_usage_to_Billing()
    {
        var (status, body, response) = await PostAsync("/v1/embeddings", """{"model": "platform-embed-256", "input": ["zip archiver", "web browser"]}""");

        Assert.Equal(200, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("platform-embed-256", body.GetProperty("model").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("embedding", data[1].GetProperty("object").GetString());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        Assert.Equal(256, data[0].GetProperty("embedding").GetArrayLength());
        var tokens = body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(Tokens("zip archiver") + Tokens("web browser"), tokens);
        Assert.Equal("0", response.Headers.GetValues("x-platform-truncated-inputs").Single());

        var usage = await _host.Usage.WaitForOneAsync();
        Assert.Equal((OnnxHost.AccountId, "embedding", "platform-embed-256", (long)tokens), (usage.AccountId, usage.Kind, usage.Model, usage.EmbeddingTokens));
        Assert.Equal(tokens, usage.EmbeddingTokens);
    }

    [Fact]
    public async Task Concurrent_requests_are_billed_in_full_with_summed_reports()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { model = "platform-embed-256", input = $"request number {i} for a text editor" }))));
        var answered = answers.Sum(a => a.Body.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());

        // Reports are committed before each answer and summed per account and model within a group commit.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_host.Usage.Reports.Sum(r => r.EmbeddingTokens) < answered && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Cancel);
        }

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal(answered, _host.Usage.Reports.Sum(r => r.EmbeddingTokens));
        Assert.InRange(_host.Usage.Reports.Count, 1, 16);
        Assert.Equal(_host.Usage.Reports.Count, _host.Usage.Reports.Select(r => r.TransferId).Distinct().Count());
    }

    [Fact]
    public async Task Base64_and_token_arrays_give_the_same_vector_as_floats_and_text()
    {
        var (_, floats, _) = await PostAsync("/v1/embeddings", """{"model": "platform-embed-256", "input": "image viewer"}""");
        var pieces = Tokenizer.Encode("image viewer", 512).Ids[1..^1];
        var (_, encoded, _) = await PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { model = "platform-embed-256", input = pieces, encoding_format = "base64" }));

        var expected = floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String(encoded.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var actual = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, actual, 0, bytes.Length);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("""{"model": "platform-embed-256", "input": []}""", "input")]
    [InlineData("""{"model": "platform-embed-256", "input": ""}""", "input")]
    [InlineData("""{"model": "platform-embed-256", "input": ["a", "b", "c", "d", "e", "f", "g", "h", "i"]}""", "input")]
    [InlineData("""{"model": "platform-embed-256", "input": 42}""", "input")]
    [InlineData("""{"model": "platform-embed-256", "input": [true]}""", "input[0]")]
    [InlineData("""{"model": "platform-embed-256", "input": [[1, -2]]}""", "input[0][1]")]
    [InlineData("""{"model": "platform-embed-256", "input": [[1, 99999]]}""", "input[0]")]
    [InlineData("""{"model": 7, "input": "x"}""", "model")]
    [InlineData("""{"input": "x"}""", "model")]
    [InlineData("""{"model": "platform-embed-256", "input": "x", "encoding_format": "int8"}""", "encoding_format")]
    [InlineData("""{"model": "platform-embed-256", "input": "x", "dimensions": 128}""", "dimensions")]
    [InlineData("""{"model": "platform-embed-256", "input": "x", "temperature": 1}""", "temperature")]
    [InlineData("""[1, 2]""", "body")]
    public async Task Bad_input_is_a_400_naming_the_field(string json, string field)
    {
        var (status, body, _) = await PostAsync("/v1/embeddings", json);

        Assert.Equal(400, status);
        Assert.Equal("urn:platform:problem:validation", body.GetProperty("type").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task Malformed_json_is_a_malformed_request_problem()
    {
        var (status, body, _) = await PostAsync("/v1/embeddings", """{"model": "platform-embed-256", "input": ["x",""");

        Assert.Equal(400, status);
        Assert.Equal("urn:platform:problem:malformed-request", body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_404_for_embeddings_and_classify()
    {
        var (embedStatus, embedBody, _) = await PostAsync("/v1/embeddings", """{"model": "no-such-model", "input": "x"}""");
        var (classifyStatus, classifyBody, _) = await PostAsync("/v1/classify", """{"model": "no-such-classifier", "input": "x"}""");

        Assert.Equal((404, 404), (embedStatus, classifyStatus));
        Assert.Equal("urn:platform:problem:not-found", embedBody.GetProperty("type").GetString());
        Assert.Equal("urn:platform:problem:not-found", classifyBody.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Classify_with_an_embedding_model_is_a_400_on_model()
    {
        var (status, body, _) = await PostAsync("/v1/classify", """{"model": "platform-embed-256", "input": "x"}""");

        Assert.Equal(400, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("model", out _));
    }

    [Fact]
    public async Task Over_long_input_is_truncated_and_reported()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 400));
        var (status, body, response) = await PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { model = "platform-embed-256", input = new[] { longText, "short" } }));

        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("usage").GetProperty("truncated_inputs").GetInt32());
        Assert.Equal(256 + 3, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("1", response.Headers.GetValues("x-platform-truncated-inputs").Single());
    }

    [Fact]
    public async Task Models_list_the_default_model_with_its_active_provider()
    {
        var models = await _host.Client.GetFromJsonAsync<JsonElement>("/v1/models/platform-embed-256", Cancel);

        Assert.Equal("available", models.GetProperty("state").GetString());
        Assert.Equal("cpu", models.GetProperty("executionProvider").GetString());
        Assert.Equal(256, models.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task The_Embed_bus_request_answers_vectors_or_a_rejection()
    {
        var client = _host.Services.GetRequiredService<IClientFactory>().CreateRequestClient<Embed>();

        var answer = await client.GetResponse<Embedded, InferenceRejected>(new Embed(["zip archiver", "web browser"]), Cancel);
        var rejected = await client.GetResponse<Embedded, InferenceRejected>(new Embed(["x"], "no-such-model"), Cancel);

        Assert.True(answer.Is(out Response<Embedded>? embedded));
        Assert.Equal(("platform-embed-256", 2, 256, Tokens("zip archiver") + Tokens("web browser")), (embedded!.Message.Model, embedded.Message.Vectors.Count, embedded.Message.Vectors[0].Length, embedded.Message.PromptTokens));
        Assert.True(rejected.Is(out Response<InferenceRejected>? refusal));
        Assert.Equal(InferenceRejectionReasons.ModelNotFound, refusal!.Message.Reason);
    }
}
