using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Models;
using Xunit;
using static Platform.Ingest.Tests.IngestApi;
using static Platform.Testing.PlatformApi;

namespace Platform.Ingest.Tests;

/// <summary>
/// Ingest's chunks through the real Inference (standalone host, ONNX Runtime), with Inference set to
/// refuse any input longer than its model's window (<c>Inference:Truncation = error</c>) instead of
/// cutting it: a document of hard-to-chunk text ends indexed only if Inference embeds every chunk whole.
/// </summary>
public sealed class TokenChunkingEndToEndTests
{
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(120);

    private static readonly Dictionary<string, string?> InferenceRefusesLongInputs = new() { ["Inference:Truncation"] = "error" };

    [Fact]
    public async Task Inference_embeds_every_chunk_of_an_ingested_document_whole()
    {
        await using var host = await IngestionHost.StartAsync(InferenceRefusesLongInputs);
        await SetEmbeddingPriceAsync(host.Client);
        var (_, key) = await CreateAccountAsync(host.Client, 100_000_000);
        // The model exactly as Inference runs it: its tokenizer and window.
        var model = host.Services.GetRequiredService<OnnxInference>().Resolve(EmbeddingModel, ModelKind.Embedding).Model;

        foreach (var (name, contentType) in new[] { ("markdown-mixed", "text/markdown"), ("plain-scripts", "text/plain"), ("plain-cjk-without-stops", "text/plain") })
        {
            var id = await SubmitNewAsync(host.Client, key, new { text = ChunkingCorpus.Get(name), contentType, collection = "whole" });
            var status = await WaitUntilFinishedAsync(host.Client, key, id, Finish);
            Assert.True(status.GetProperty("state").GetString() == "indexed", $"{name}: {status}");

            var chunks = await ChunksAsync(host.Client, key, id);
            Assert.Equal(status.GetProperty("chunksTotal").GetInt32(), chunks.Count);
            var tokens = 0L;
            foreach (var chunk in chunks)
            {
                var encoded = model.Tokenizer.Encode(chunk, model.MaxSequenceLength);
                Assert.False(encoded.Truncated, $"{name}: a chunk of {encoded.FullLength} tokens is over the model's {model.MaxSequenceLength}");
                tokens += encoded.FullLength;
            }

            // Inference reported the tokens it embedded: all of every chunk's, [CLS] and [SEP] included.
            Assert.Equal(tokens, status.GetProperty("embeddingTokens").GetInt64());
        }
    }

    [Fact]
    public async Task Chunks_measured_in_characters_are_too_long_for_the_model_so_the_check_above_can_fail()
    {
        // The previous default (1,200 characters) with no vocabulary: dense text exceeds 254 tokens.
        var settings = new Dictionary<string, string?>(InferenceRefusesLongInputs) { ["Ingest:Chunking:VocabularyPath"] = "" };
        await using var host = await IngestionHost.StartAsync(settings);
        await SetEmbeddingPriceAsync(host.Client);
        var (_, key) = await CreateAccountAsync(host.Client, 100_000_000);

        var id = await SubmitNewAsync(host.Client, key, new { text = ChunkingCorpus.Get("plain-cjk-without-stops"), collection = "cut" });
        var status = await WaitUntilFinishedAsync(host.Client, key, id, Finish);

        Assert.Equal("failed", status.GetProperty("state").GetString());
        Assert.Equal("embed", status.GetProperty("failedStep").GetString());
        Assert.Contains("input-too-long", status.GetProperty("lastError").GetString());
    }

    private static async Task<List<string>> ChunksAsync(HttpClient client, string key, string id)
    {
        var texts = new List<string>();
        var after = -1;
        while (true)
        {
            using var response = await client.SendAsync(Request(HttpMethod.Get, $"/v1/documents/{id}/chunks?limit=100&after={after}", key));
            var page = await ReadJsonAsync(response, 200);
            texts.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("text").GetString()!));
            if (!page.TryGetProperty("next", out var next) || next.ValueKind != JsonValueKind.Number)
            {
                return texts;
            }

            after = next.GetInt32();
        }
    }
}
