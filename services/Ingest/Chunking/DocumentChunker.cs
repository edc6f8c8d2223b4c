using Microsoft.Extensions.Options;
using Platform.Ingest.Ingestion;
using Platform.Tokenizers.WordPiece;

namespace Platform.Ingest.Chunking;

/// <summary>
/// The chunker Ingest uses, chosen once at start from <see cref="ChunkingOptions"/>: the embedding
/// model's tokens (<see cref="TokenChunker"/>) when a vocabulary is configured, which is the default,
/// or characters (<see cref="CharacterChunker"/>) when the vocabulary is set empty. Says which at start.
/// </summary>
public sealed class DocumentChunker
{
    /// <summary>The model whose vocabulary ships with Ingest (<see cref="ChunkingOptions.DefaultVocabulary"/>).</summary>
    public const string DefaultModel = "platform-embed-256";

    private readonly ChunkingOptions _options;

    public DocumentChunker(IOptions<ChunkingOptions> options, IOptions<IngestionOptions> ingestion, ILogger<DocumentChunker> logger)
    {
        _options = options.Value;
        var path = _options.ResolveVocabularyPath();
        if (path is null)
        {
            logger.LogWarning(
                "Ingest:Chunking:VocabularyPath is empty, so chunks are measured in characters (at most {MaxChunkChars}, overlap {OverlapChars}), " +
                "not in the embedding model's tokens: Inference cuts a chunk longer than its model's window and the rest of that chunk is not embedded",
                _options.MaxChunkChars, _options.OverlapChars);
            return;
        }

        try
        {
            Tokenizer = WordPieceTokenizer.Load(path, _options.Lowercase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InvalidOperationException($"Ingest:Chunking:VocabularyPath: cannot read the vocabulary {path}: {e.Message}", e);
        }

        logger.LogInformation(
            "Chunks are measured in the embedding model's tokens: at most {MaxChunkTokens} (window {ModelMaxSequenceLength} with [CLS] and [SEP]), " +
            "overlap {OverlapTokens}; vocabulary {Vocabulary} ({VocabularySize} tokens)",
            _options.ChunkTokenLimit, _options.ModelMaxSequenceLength, _options.OverlapTokens, path, Tokenizer.VocabularySize);
        if (_options.VocabularyPath is null && ingestion.Value.EmbeddingModel is { } model && model != DefaultModel)
        {
            logger.LogWarning(
                "Ingest:Ingestion:EmbeddingModel is {Model}, but chunks are counted in the tokens of {DefaultModel}'s vocabulary: " +
                "set Ingest:Chunking:VocabularyPath (and ModelMaxSequenceLength) to that model's",
                model, DefaultModel);
        }
    }

    /// <summary>The embedding model's tokenizer, or null when chunks are measured in characters.</summary>
    public WordPieceTokenizer? Tokenizer { get; }

    public IReadOnlyList<Chunk> Split(string text, TextFormat format) =>
        Tokenizer is null ? CharacterChunker.Split(text, format, _options) : TokenChunker.Split(text, format, _options, Tokenizer);
}
