using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Inference.Models;
using Xunit;

namespace Platform.Inference.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private const string Embedding = """
        {
          // comments and trailing commas are allowed in manifests
          "name": "enc",
          "kind": "embedding",
          "onnxFile": "model.onnx",
          "tokenizer": { "type": "wordpiece", "vocabFile": "vocab.txt" },
          "dimensions": 384,
          "priceKeys": { "inputTokens": "inference.embedding.tokens" },
        }
        """;

    private readonly ModelFolder _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void A_valid_embedding_manifest_is_available_with_defaults_and_absolute_paths()
    {
        var folder = _models.Add("enc", Embedding, "model.onnx", "vocab.txt");

        var entry = ModelManifestReader.Read(folder);

        Assert.Equal(ModelState.Available, entry.State);
        Assert.Null(entry.Reason);
        var model = entry.Model!;
        Assert.Equal(("enc", ModelKind.Embedding, 384), (model.Name, model.Kind, model.Dimensions));
        Assert.Equal(Path.Combine(folder, "model.onnx"), model.OnnxPath);
        Assert.Equal("mean", model.Pooling);
        Assert.Equal(ModelManifestValidator.DefaultMaxSequenceLength, model.MaxSequenceLength);
        Assert.Equal(ModelManifestValidator.DefaultMaxBatchSize, model.MaxBatchSize);
        Assert.Equal(new TokenizerDescriptor("wordpiece", Path.Combine(folder, "vocab.txt"), null, Lowercase: true), model.Tokenizer);
        Assert.Equal("inference.embedding.tokens", model.PriceKeys["inputTokens"]);
    }

    [Fact]
    public void A_generator_upstream_needs_no_files()
    {
        var entry = ModelManifestReader.Read(_models.Add("gpt", """{"name": "gpt", "kind": "generator-upstream", "maxSequenceLength": 8192}"""));

        Assert.Equal(ModelState.Available, entry.State);
        Assert.Equal(ModelKind.GeneratorUpstream, entry.Model!.Kind);
        Assert.False(entry.Model.RunsOnnx);
        Assert.Null(entry.Model.MaxBatchSize);
    }

    [Theory]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}}""", "dimensions is required")]
    [InlineData("""{"name": "m", "kind": "embedder"}""", "kind 'embedder' is not one of")]
    [InlineData("""{"name": "m"}""", "kind is required")]
    [InlineData("""{"name": "other", "kind": "generator-upstream"}""", "must equal its folder name 'm'")]
    [InlineData("""{"kind": "generator-upstream"}""", "name is required")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "missing.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}, "dimensions": 8}""", "onnxFile 'missing.onnx' does not exist")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "../m/model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "/etc/passwd"}, "dimensions": 8}""", "tokenizer.vocabFile '/etc/passwd' must be a path inside the model folder")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "vocab.txt", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}, "dimensions": 8}""", "onnxFile must name a .onnx file")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "bpe", "vocabFile": "vocab.txt"}, "dimensions": 8}""", "tokenizer.mergesFile is required")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "sentencepiece", "vocabFile": "vocab.txt"}, "dimensions": 8}""", "tokenizer.type must be one of")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}, "dimensions": 5000}""", "dimensions must be between 1 and 4096")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}, "dimensions": 8, "pooling": "sum"}""", "pooling 'sum' is not one of")]
    [InlineData("""{"name": "m", "kind": "classifier", "onnxFile": "model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt"}, "dimensions": 8}""", "dimensions does not apply to a classifier model")]
    [InlineData("""{"name": "m", "kind": "classifier", "onnxFile": "model.onnx"}""", "tokenizer is required")]
    [InlineData("""{"name": "m", "kind": "generator-upstream", "onnxFile": "model.onnx"}""", "onnxFile does not apply to a generator-upstream model")]
    [InlineData("""{"name": "m", "kind": "generator-upstream", "maxSequenceLength": 0}""", "maxSequenceLength must be between")]
    [InlineData("""{"name": "m", "kind": "generator-upstream", "priceKeys": {"tokens": "x"}}""", "priceKeys.tokens is not a meter")]
    [InlineData("""{"name": "m", "kind": "generator-upstream", "dimension": 3}""", "dimension is not a manifest property")]
    [InlineData("""{"name": "m", "kind": "embedding", "onnxFile": "model.onnx", "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt", "lower": true}, "dimensions": 8}""", "tokenizer.lower is not a manifest property")]
    [InlineData("""{"name": "m", "kind": "generator-upstream", "maxSequenceLength": "long"}""", "maxSequenceLength has the wrong type")]
    [InlineData("""{"name": "m", "kind": """, "manifest.json is not valid")]
    [InlineData("""[1, 2]""", "the manifest must be a JSON object")]
    [InlineData("""null""", "must hold a JSON object")]
    public void A_broken_manifest_is_invalid_with_the_reason(string manifest, string reason)
    {
        var entry = ModelManifestReader.Read(_models.Add("m", manifest, "model.onnx", "vocab.txt"));

        Assert.Equal(ModelState.Invalid, entry.State);
        Assert.Null(entry.Model);
        Assert.Contains(reason, entry.Reason);
        Assert.DoesNotContain("System.", entry.Reason);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var entry = ModelManifestReader.Read(_models.Add(
            "m", """{"name": "m", "kind": "embedding", "dimensions": 0, "pooling": "sum"}"""));

        Assert.Contains("onnxFile is required", entry.Reason);
        Assert.Contains("tokenizer is required", entry.Reason);
        Assert.Contains("dimensions must be between", entry.Reason);
        Assert.Contains("pooling 'sum'", entry.Reason);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_invalid()
    {
        var entry = ModelManifestReader.Read(_models.Add("bare", manifest: null, "model.onnx"));

        Assert.Equal(("bare", ModelState.Invalid, "manifest.json is missing"), (entry.Id, entry.State, entry.Reason));
    }

    [Fact]
    public void The_repository_lists_valid_and_invalid_models_by_id()
    {
        _models.Add("enc", Embedding, "model.onnx", "vocab.txt");
        _models.Add("broken", "{");
        _models.Add("gpt", """{"name": "gpt", "kind": "generator-upstream"}""");

        var repository = Repository(_models.Root);

        Assert.Equal(["broken", "enc", "gpt"], repository.All.Select(m => m.Id));
        Assert.Equal(ModelState.Invalid, repository.Find("broken")!.State);
        Assert.Equal(ModelState.Available, repository.Find("enc")!.State);
        Assert.Null(repository.Find("ENC"));
        Assert.Null(repository.Find("missing"));
    }

    [Fact]
    public void A_missing_repository_directory_serves_no_models()
    {
        var repository = Repository(Path.Combine(_models.Root, "nowhere"));

        Assert.Empty(repository.All);
    }

    private static ModelRepository Repository(string directory) =>
        new(Options.Create(new InferenceOptions { ModelsDirectory = directory }), NullLogger<ModelRepository>.Instance);
}
