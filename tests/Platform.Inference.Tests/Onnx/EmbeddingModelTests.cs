using Platform.Inference.Batching;
using Platform.Inference.Models;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>The trained default model on the real ONNX Runtime.</summary>
public sealed class EmbeddingModelTests : IDisposable
{
    private readonly OnnxModel _model = DefaultModel.Load();

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Loads_on_the_cpu_with_its_manifest_dimensions_and_unit_vectors()
    {
        var vector = _model.Run([DefaultModel.Encode(_model, "a tool to compress files")])[0];

        Assert.Equal("cpu", _model.Provider);
        Assert.Equal(256, vector.Length);
        Assert.Equal(1f, MathF.Sqrt(vector.Sum(v => v * v)), 1e-4f);
    }

    [Theory]
    [InlineData("command-line utility to compress and decompress files", "tool for packing files into smaller archives", "library for rendering 3D graphics with OpenGL")]
    [InlineData("Python bindings for the PostgreSQL database", "PostgreSQL database adapter for Python", "fonts for displaying Chinese characters")]
    [InlineData("web browser with tabs and bookmarks", "program to browse web pages on the internet", "documentation for the GNU C compiler")]
    public void Paraphrases_are_closer_than_unrelated_texts(string text, string paraphrase, string unrelated)
    {
        var vectors = _model.Run([DefaultModel.Encode(_model, text), DefaultModel.Encode(_model, paraphrase), DefaultModel.Encode(_model, unrelated)]);

        Assert.True(
            DefaultModel.Cosine(vectors[0], vectors[1]) > DefaultModel.Cosine(vectors[0], vectors[2]) + 0.05f,
            $"paraphrase {DefaultModel.Cosine(vectors[0], vectors[1]):F3} vs unrelated {DefaultModel.Cosine(vectors[0], vectors[2]):F3}");
    }

    [Fact]
    public void A_text_gives_the_same_vector_alone_and_padded_in_a_batch()
    {
        var shortText = DefaultModel.Encode(_model, "image viewer");
        var longText = DefaultModel.Encode(_model, string.Join(' ', Enumerable.Repeat("a long description of a package that pads the batch", 8)));

        var alone = _model.Run([shortText])[0];
        var batched = _model.Run([longText, shortText, longText])[1];

        Assert.True(shortText.Length < longText.Length);
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], batched[i], 1e-5f);
        }
    }

    [Fact]
    public async Task The_batcher_gives_each_caller_its_own_vector_in_order()
    {
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { MaxQueueDelayMicroseconds = 20_000 });
        var texts = Enumerable.Range(0, 40).Select(i => $"package number {i} provides tool {i % 7}").ToArray();
        var expected = texts.Select(t => _model.Run([DefaultModel.Encode(_model, t)])[0]).ToArray();

        var results = await Task.WhenAll(texts.Select(t => batcher.RunAsync([DefaultModel.Encode(batcher.Model, t)], TestContext.Current.CancellationToken)));

        for (var i = 0; i < texts.Length; i++)
        {
            for (var d = 0; d < expected[i].Length; d++)
            {
                Assert.Equal(expected[i][d], results[i][0][d], 1e-5f);
            }
        }
    }

    [Fact]
    public async Task A_full_queue_refuses_with_a_retry_delay()
    {
        // Triton's plain rule, a long queue delay and a large batch keep the first request waiting in the queue.
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { MaxQueueSize = 3, MaxQueueDelayMicroseconds = 1_000_000, MaxBatchSize = 64, StartWhenIdle = false });
        var ids = DefaultModel.Encode(batcher.Model, "text");

        var waiting = batcher.RunAsync([ids, ids, ids], TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<QueueFullException>(() => batcher.RunAsync([ids], TestContext.Current.CancellationToken));

        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await waiting).Length);
    }

    [Fact]
    public async Task Inputs_whose_deadline_passed_in_the_queue_are_not_computed()
    {
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { RequestTimeoutMs = 50, MaxQueueDelayMicroseconds = 300_000, MaxBatchSize = 64, StartWhenIdle = false });
        var ids = DefaultModel.Encode(batcher.Model, "text");

        await Assert.ThrowsAsync<DeadlineExceededException>(() => batcher.RunAsync([ids], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task With_batching_off_requests_run_at_once()
    {
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { Enabled = false, MaxQueueDelayMicroseconds = 10_000_000 });
        var ids = DefaultModel.Encode(batcher.Model, "text");

        var started = DateTime.UtcNow;
        var rows = await batcher.RunAsync([ids, ids], TestContext.Current.CancellationToken);

        Assert.Equal(2, rows.Length);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_request_that_finds_the_batcher_idle_does_not_wait_for_the_queue_delay()
    {
        // A delay far beyond the assertion: only a batch started at once can finish in time.
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { MaxQueueDelayMicroseconds = 60_000_000, MaxBatchSize = 64 });
        var ids = DefaultModel.Encode(batcher.Model, "text");

        var started = DateTime.UtcNow;
        var rows = await batcher.RunAsync([ids, ids], TestContext.Current.CancellationToken);

        Assert.Equal(2, rows.Length);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Overlapping_requests_beyond_the_batch_size_all_get_their_own_vectors()
    {
        // Requests larger than a batch and many at once: the loop splits and merges them across batches.
        await using var batcher = DefaultModel.Batcher(new BatchingOptions { MaxQueueDelayMicroseconds = 2_000, MaxBatchSize = 8 });
        var texts = Enumerable.Range(0, 24).Select(i => $"library {i} for parsing format {i % 5}").ToArray();
        var expected = texts.Select(t => _model.Run([DefaultModel.Encode(_model, t)])[0]).ToArray();

        var requests = Enumerable.Range(0, 6).Select(r => batcher.RunAsync(
            [.. Enumerable.Range(0, 12).Select(k => DefaultModel.Encode(batcher.Model, texts[(r * 5 + k) % texts.Length]))],
            TestContext.Current.CancellationToken)).ToArray();
        var results = await Task.WhenAll(requests);

        for (var r = 0; r < results.Length; r++)
        {
            Assert.Equal(12, results[r].Length);
            for (var k = 0; k < 12; k++)
            {
                Assert.True(DefaultModel.Cosine(expected[(r * 5 + k) % texts.Length], results[r][k]) > 0.99999f);
            }
        }
    }
}
