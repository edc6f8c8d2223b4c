using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Inference.Batching;
using Platform.Tokenizers.WordPiece;

namespace Platform.Inference.Models;

/// <summary>
/// The ONNX models of the repository, each with its session and its dynamic batcher, loaded when the
/// host starts (<see cref="StartAsync"/>). A model whose graph or vocabulary cannot be loaded is
/// listed as failed with the reason; only <see cref="CudaUnavailableException"/> stops the start.
/// </summary>
public sealed class OnnxModels(
    ModelRepository repository,
    OnnxSessionFactory sessions,
    IOptions<InferenceOptions> options,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ModelBatcher> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _failed = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<OnnxModels>();

    /// <summary>The loaded model and its batcher, or null with the reason it is not servable.</summary>
    public ModelBatcher? Find(string id) => _loaded.GetValueOrDefault(id);

    public string? FailureOf(string id) => _failed.GetValueOrDefault(id);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in repository.All)
        {
            if (entry.Model is not { RunsOnnx: true } descriptor)
            {
                continue;
            }

            try
            {
                Load(descriptor);
            }
            catch (CudaUnavailableException)
            {
                throw;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A broken model must not take the others down; /v1/models shows why it is not served.
                _failed[descriptor.Name] = exception.Message;
                _logger.LogError(exception, "Model {ModelId} could not be loaded", descriptor.Name);
            }
        }

        return Task.CompletedTask;
    }

    private void Load(ModelDescriptor descriptor)
    {
        if (descriptor.Tokenizer is not { Type: "wordpiece" } tokenizerDescriptor)
        {
            throw new InvalidDataException($"Tokenizer '{descriptor.Tokenizer?.Type}' cannot feed an ONNX model here; use wordpiece.");
        }

        var tokenizer = WordPieceTokenizer.Load(tokenizerDescriptor.VocabPath, tokenizerDescriptor.Lowercase);
        var (session, provider) = sessions.Open(descriptor);
        var model = new OnnxModel(descriptor, session, tokenizer, provider, sessions.UsesIoBinding(provider));
        _loaded[descriptor.Name] = new ModelBatcher(model, options.Value.Batching, loggers.CreateLogger<ModelBatcher>());
        _logger.LogInformation("Model {ModelId} loaded on {Provider}", descriptor.Name, provider);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var batcher in _loaded.Values)
        {
            await batcher.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _loaded.Values)
        {
            await batcher.DisposeAsync();
        }

        _loaded.Clear();
    }
}
