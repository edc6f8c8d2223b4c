namespace Platform.Ingest.Chunking;

/// <summary>Bound from <c>Ingest:Chunking</c> (environment: <c>Ingest__Chunking__MaxChunkTokens</c>, ...).</summary>
public sealed class ChunkingOptions
{
    public const string SectionName = "Ingest:Chunking";

    /// <summary>
    /// Where the build puts the default embedding model's vocabulary, under the application folder; named after
    /// <see cref="DocumentChunker.DefaultModel"/> so the model and its vocabulary cannot drift apart.
    /// </summary>
    public const string DefaultVocabulary = "tokenizers/" + DocumentChunker.DefaultModel + "/vocab.txt";

    /// <summary>Retrieval stores at most this many characters of text per point: no chunk is longer, whatever it counts in tokens.</summary>
    public const int MaxTextChars = 32_768;

    /// <summary>
    /// The vocabulary (<c>vocab.txt</c>, one token a line) of the embedding model Ingest embeds with
    /// (<c>Ingest:Ingestion:EmbeddingModel</c>), so chunks are measured in the tokens that model reads.
    /// Unset: the vocabulary of <c>platform-embed-256</c>, Inference's default model, shipped next to the
    /// application (<c>tokenizers/platform-embed-256/vocab.txt</c>); a relative path is read from the working
    /// directory. Empty: no vocabulary, chunks are measured in characters (<c>MaxChunkChars</c>,
    /// <c>OverlapChars</c>) and a warning at start says that Inference may then truncate chunks.
    /// </summary>
    public string? VocabularyPath { get; set; }

    /// <summary>Whether the embedding model's tokenizer lower-cases and strips accents (its manifest's <c>tokenizer.lowercase</c>).</summary>
    public bool Lowercase { get; set; } = true;

    /// <summary>
    /// The embedding model's window in tokens, <c>[CLS]</c> and <c>[SEP]</c> included (its manifest's
    /// <c>maxSequenceLength</c>); Inference cuts longer inputs, and the text past the cut is not embedded.
    /// </summary>
    public int ModelMaxSequenceLength { get; set; } = 256;

    /// <summary>
    /// Most tokens in a chunk, without <c>[CLS]</c> and <c>[SEP]</c>. Unset: <c>ModelMaxSequenceLength</c> - 2
    /// (254), the most the model reads whole; larger values are refused at start.
    /// </summary>
    public int? MaxChunkTokens { get; set; }

    /// <summary>
    /// Tokens a chunk repeats from the end of the previous one in the same section, so a passage cut in two
    /// is still whole in one of them. At most this many (overlaps start on a sentence or word); below half of
    /// the chunk limit, so every chunk adds more new text than it repeats.
    /// </summary>
    public int OverlapTokens { get; set; } = 40;

    /// <summary>Longest chunk in UTF-16 characters (what .NET strings count), when no vocabulary is configured.</summary>
    public int MaxChunkChars { get; set; } = 1200;

    /// <summary>
    /// Characters a chunk repeats from the end of the previous one, when no vocabulary is configured. At
    /// most this many: overlaps start on a word.
    /// </summary>
    public int OverlapChars { get; set; } = 200;

    /// <summary>The chunk limit in tokens: <see cref="MaxChunkTokens"/>, or the model's window less [CLS] and [SEP].</summary>
    public int ChunkTokenLimit => MaxChunkTokens ?? ModelMaxSequenceLength - 2;

    /// <summary>True when chunks are measured in characters: the vocabulary was set empty.</summary>
    public bool MeasuresCharacters => VocabularyPath is { Length: 0 };

    /// <summary>The vocabulary file to load, or null when chunks are measured in characters.</summary>
    public string? ResolveVocabularyPath() => VocabularyPath switch
    {
        null => Path.Combine(AppContext.BaseDirectory, DefaultVocabulary),
        { Length: 0 } => null,
        var path => Path.GetFullPath(path),
    };

    /// <summary>Why these options cannot chunk the way they measure, or null when they can. Checked at start.</summary>
    public string? Problem() => MeasuresCharacters ? CharacterProblem() : TokenProblem();

    /// <summary>Why the character limits cannot chunk, or null when they can.</summary>
    public string? CharacterProblem()
    {
        if (MaxChunkChars is < 50 or > MaxTextChars)
        {
            return $"Ingest:Chunking:MaxChunkChars is {MaxChunkChars}; it must be between 50 and {MaxTextChars} (Retrieval's text limit).";
        }

        // The splitter cuts no earlier than half a chunk in; an overlap below that keeps every step moving forward.
        if (OverlapChars < 0 || OverlapChars >= MaxChunkChars / 2)
        {
            return $"Ingest:Chunking:OverlapChars is {OverlapChars}; it must be at least 0 and less than half of MaxChunkChars ({MaxChunkChars}).";
        }

        return null;
    }

    /// <summary>Why the token limits cannot chunk for the embedding model, or null when they can.</summary>
    public string? TokenProblem()
    {
        if (ModelMaxSequenceLength < 3)
        {
            return $"Ingest:Chunking:ModelMaxSequenceLength is {ModelMaxSequenceLength}; the embedding model's window must hold [CLS], [SEP] and at least one token (3).";
        }

        if (ChunkTokenLimit < 1)
        {
            return $"Ingest:Chunking:MaxChunkTokens is {ChunkTokenLimit}; it must be at least 1.";
        }

        if (ChunkTokenLimit > ModelMaxSequenceLength - 2)
        {
            return $"Ingest:Chunking:MaxChunkTokens is {ChunkTokenLimit}, more than the embedding model reads: its window " +
                $"(Ingest:Chunking:ModelMaxSequenceLength) is {ModelMaxSequenceLength} tokens with [CLS] and [SEP], so at most " +
                $"{ModelMaxSequenceLength - 2}; Inference would cut longer chunks and leave their end unembedded.";
        }

        // As with characters: chunks end no earlier than half the limit, and an overlap below that bounds the
        // repeated text (and the number of chunks) to less than twice the document.
        if (OverlapTokens < 0 || OverlapTokens >= ChunkTokenLimit / 2.0)
        {
            return $"Ingest:Chunking:OverlapTokens is {OverlapTokens}; it must be at least 0 and less than half of MaxChunkTokens ({ChunkTokenLimit}).";
        }

        return null;
    }
}
