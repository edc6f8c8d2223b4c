using System.Runtime.InteropServices;
using System.Text.Json;

namespace Platform.SafetyGuard.Classifiers;

/// <summary>
/// One of <c>llm_guardrail</c>'s trained classifiers: a TF-IDF vectoriser (raw term counts times
/// idf, L2-normalised) over 1- and 2-grams feeding a binary logistic regression. Scoring repeats the
/// package's arithmetic in the same order (sums over feature indices ascending; zeros, which the
/// package adds too, change no sum), so scores agree with the package to the last bits of exp().
/// </summary>
public sealed class TfidfLogisticModel
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly double[] _idf;
    private readonly double[] _coefficients;
    private readonly double _intercept;
    private readonly int _minN;
    private readonly int _maxN;

    private TfidfLogisticModel(string name, Dictionary<string, int> vocabulary, double[] idf, double[] coefficients,
        double intercept, int minN, int maxN, double threshold)
    {
        Name = name;
        _vocabulary = vocabulary;
        _lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _idf = idf;
        _coefficients = coefficients;
        _intercept = intercept;
        _minN = minN;
        _maxN = maxN;
        Threshold = threshold;
    }

    public string Name { get; }

    /// <summary>Term (a 1-gram, or a 2-gram as "first second") to feature index.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public int MinN => _minN;

    public int MaxN => _maxN;

    /// <summary>The package's own decision threshold (a prompt is flagged when its score is at least this).</summary>
    public double Threshold { get; }

    public static TfidfLogisticModel Load(string name, string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        try
        {
            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in root.GetProperty("vocabulary").EnumerateObject())
            {
                vocabulary.Add(term.Name, term.Value.GetInt32());
            }

            var idf = root.GetProperty("idf").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var coefficients = root.GetProperty("coefficients")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var intercept = root.GetProperty("intercept")[0].GetDouble();
            var ngrams = root.GetProperty("ngram_range");
            var threshold = root.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 0.5;
            if (!root.GetProperty("lowercase").GetBoolean())
            {
                throw new InvalidDataException("only lower-casing vectorisers are supported");
            }

            if (idf.Length != vocabulary.Count || coefficients.Length != vocabulary.Count
                || vocabulary.Values.Any(index => index < 0 || index >= idf.Length))
            {
                throw new InvalidDataException($"vocabulary ({vocabulary.Count}), idf ({idf.Length}) and coefficients ({coefficients.Length}) disagree");
            }

            var (minN, maxN) = (ngrams[0].GetInt32(), ngrams[1].GetInt32());
            if (minN < 1 || maxN < minN || maxN > 2)
            {
                throw new InvalidDataException($"n-gram range [{minN}, {maxN}] is not supported (1- and 2-grams only)");
            }

            return new TfidfLogisticModel(name, vocabulary, idf, coefficients, intercept, minN, maxN, threshold);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"{path} is not an llm_guardrail model: {e.Message}", e);
        }
    }

    /// <summary>The probability that the text is a threat, as the package's <c>confidence</c>.</summary>
    public double Score(GuardrailTokens tokens)
    {
        var features = new List<int>(tokens.Count * 2);
        if (_minN <= 1)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                if (_lookup.TryGetValue(tokens[i], out var index))
                {
                    features.Add(index);
                }
            }
        }

        if (_maxN >= 2 && tokens.Count > 1)
        {
            Span<char> buffer = stackalloc char[256];
            for (var i = 0; i + 1 < tokens.Count; i++)
            {
                var first = tokens[i];
                var second = tokens[i + 1];
                var length = first.Length + 1 + second.Length;
                var bigram = length <= buffer.Length ? buffer[..length] : new char[length];
                first.CopyTo(bigram);
                bigram[first.Length] = ' ';
                second.CopyTo(bigram[(first.Length + 1)..]);
                if (_lookup.TryGetValue(bigram, out var index))
                {
                    features.Add(index);
                }
            }
        }

        return ScoreFeatures(CollectionsMarshal.AsSpan(features));
    }

    /// <summary>
    /// The probability from the text's feature indices (one per occurrence of a vocabulary term, any
    /// order; sorted in place). Sums run over distinct features in ascending index order, as the package's.
    /// </summary>
    public double ScoreFeatures(Span<int> features)
    {
        features.Sort();
        var sumOfSquares = 0.0;
        var i = 0;
        while (i < features.Length)
        {
            var weight = CountAt(features, ref i, out var index) * _idf[index];
            sumOfSquares += weight * weight;
        }

        var norm = Math.Sqrt(sumOfSquares);
        var z = _intercept;
        if (norm > 0)
        {
            i = 0;
            while (i < features.Length)
            {
                var weight = CountAt(features, ref i, out var index) * _idf[index];
                z += _coefficients[index] * (weight / norm);
            }
        }

        return 1 / (1 + Math.Exp(-z));
    }

    // How many times the feature at i repeats (raw term count); moves i past them.
    private static int CountAt(Span<int> sortedFeatures, ref int i, out int index)
    {
        index = sortedFeatures[i];
        var count = 0;
        while (i < sortedFeatures.Length && sortedFeatures[i] == index)
        {
            count++;
            i++;
        }

        return count;
    }
}
