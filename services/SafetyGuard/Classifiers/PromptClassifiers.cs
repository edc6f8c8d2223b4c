using System.Buffers;

namespace Platform.SafetyGuard.Classifiers;

/// <summary>
/// The three trained classifiers of npm <c>llm_guardrail@2.1.2</c> (prompt injection, jailbreak,
/// malicious), loaded once from the model files the build copies next to the assembly. The text
/// is tokenised once and scored by each.
/// </summary>
public sealed class PromptClassifiers
{
    public const string PromptInjection = "prompt_injection";
    public const string Jailbreak = "jailbreak";
    public const string Malicious = "malicious";

    public static readonly IReadOnlyList<string> Names = [PromptInjection, Jailbreak, Malicious];

    // One dictionary over every model's terms (a term is looked up once, not once per model), and per
    // model the feature index of each term id (-1: not in that model's vocabulary).
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termIds;
    private readonly int[][] _featureOf;
    private readonly bool _needsBigrams;
    private readonly bool _needsUnigrams;

    public PromptClassifiers(IReadOnlyList<TfidfLogisticModel> models)
    {
        Models = models;
        var termIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            foreach (var term in model.Vocabulary.Keys)
            {
                termIds.TryAdd(term, termIds.Count);
            }
        }

        _featureOf = new int[models.Count][];
        for (var m = 0; m < models.Count; m++)
        {
            var map = new int[termIds.Count];
            Array.Fill(map, -1);
            foreach (var (term, index) in models[m].Vocabulary)
            {
                // A model only sees the n-gram sizes it was trained with.
                var n = term.Contains(' ') ? 2 : 1;
                if (n >= models[m].MinN && n <= models[m].MaxN)
                {
                    map[termIds[term]] = index;
                }
            }

            _featureOf[m] = map;
        }

        _termIds = termIds.GetAlternateLookup<ReadOnlySpan<char>>();
        _needsUnigrams = models.Any(m => m.MinN <= 1);
        _needsBigrams = models.Any(m => m.MaxN >= 2);
    }

    /// <summary>Where the build puts the package's model files (<c>guardrails/llm_guardrail/</c> in the output).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "guardrails", "llm_guardrail");

    public IReadOnlyList<TfidfLogisticModel> Models { get; }

    public static PromptClassifiers Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var models = new List<TfidfLogisticModel>();
        foreach (var name in Names)
        {
            var path = Path.Combine(directory, $"{name}_model.json");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"The {name} classifier model is missing at {path}; the build copies it from the npm package llm_guardrail (services/SafetyGuard/package-lock.json).", path);
            }

            models.Add(TfidfLogisticModel.Load(name, path));
        }

        return new PromptClassifiers(models);
    }

    private static readonly Lazy<PromptClassifiers> Shared = new(() => Load());

    /// <summary>The models loaded once per process from <see cref="DefaultDirectory"/> (about 0.3 s and 20 MB).</summary>
    public static PromptClassifiers Default => Shared.Value;

    /// <summary>Each classifier's threat probability, in <see cref="Names"/> order.</summary>
    public IReadOnlyList<ClassifierScore> Score(string text)
    {
        var scores = new ClassifierScore[Models.Count];
        Score(text, scores);
        return scores;
    }

    /// <summary>
    /// Scores into <paramref name="scores"/> (one per model). Tokenises once, looks every 1- and 2-gram
    /// up once in the merged vocabulary, and works in pooled buffers: a check allocates only its results.
    /// Each model's arithmetic is <see cref="TfidfLogisticModel.ScoreFeatures"/>, as in its own Score.
    /// </summary>
    public void Score(ReadOnlySpan<char> text, Span<ClassifierScore> scores)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
        var terms = ArrayPool<(int Start, int Length)>.Shared.Rent(GuardrailTokens.MaxTerms(text.Length));
        // Term ids of the unigrams, then of the bigrams (-1: in no vocabulary).
        var ids = ArrayPool<int>.Shared.Rent(2 * GuardrailTokens.MaxTerms(text.Length));
        var features = ArrayPool<int>.Shared.Rent(2 * GuardrailTokens.MaxTerms(text.Length));
        try
        {
            var count = GuardrailTokens.Tokenize(text, chars, terms);
            var idCount = 0;
            if (_needsUnigrams)
            {
                for (var i = 0; i < count; i++)
                {
                    var (start, length) = terms[i];
                    ids[idCount++] = _termIds.TryGetValue(chars.AsSpan(start, length), out var id) ? id : -1;
                }
            }

            var unigramCount = idCount;
            if (_needsBigrams && count > 1)
            {
                Span<char> buffer = stackalloc char[256];
                for (var i = 0; i + 1 < count; i++)
                {
                    var first = chars.AsSpan(terms[i].Start, terms[i].Length);
                    var second = chars.AsSpan(terms[i + 1].Start, terms[i + 1].Length);
                    var length = first.Length + 1 + second.Length;
                    var bigram = length <= buffer.Length ? buffer[..length] : new char[length];
                    first.CopyTo(bigram);
                    bigram[first.Length] = ' ';
                    second.CopyTo(bigram[(first.Length + 1)..]);
                    ids[idCount++] = _termIds.TryGetValue(bigram, out var id) ? id : -1;
                }
            }

            for (var m = 0; m < Models.Count; m++)
            {
                var map = _featureOf[m];
                var model = Models[m];
                var from = model.MinN <= 1 ? 0 : unigramCount;
                var to = model.MaxN >= 2 ? idCount : unigramCount;
                var n = 0;
                for (var i = from; i < to; i++)
                {
                    if (ids[i] >= 0 && map[ids[i]] is var index and >= 0)
                    {
                        features[n++] = index;
                    }
                }

                scores[m] = new ClassifierScore(model.Name, model.ScoreFeatures(features.AsSpan(0, n)));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(features);
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<(int Start, int Length)>.Shared.Return(terms);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
