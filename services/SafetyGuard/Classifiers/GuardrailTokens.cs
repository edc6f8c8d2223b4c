namespace Platform.SafetyGuard.Classifiers;

/// <summary>
/// A text split into terms exactly as <c>llm_guardrail</c>'s JavaScript vectoriser does it:
/// <c>text.toLowerCase().match(/\b\w\w+\b/g)</c>. Without the <c>u</c> flag JavaScript's <c>\w</c>
/// is ASCII only (<c>[A-Za-z0-9_]</c>), so a term is a maximal run of at least two ASCII word
/// characters, and every other character separates terms. Lower-casing matters for non-ASCII only
/// where JavaScript's full case mapping yields ASCII: U+0130 (İ) becomes "i" plus a combining dot
/// (which ends the term) and U+212A (Kelvin sign) becomes "k" (checked over every code point by
/// the fixture script). The models' vocabularies hold a few non-ASCII terms from training
/// (scikit-learn's Unicode <c>\w</c>); like the package, we never produce them.
/// </summary>
public sealed class GuardrailTokens
{
    private readonly char[] _chars;
    private readonly List<(int Start, int Length)> _terms;

    private GuardrailTokens(char[] chars, List<(int Start, int Length)> terms)
    {
        _chars = chars;
        _terms = terms;
    }

    public int Count => _terms.Count;

    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var (start, length) = _terms[index];
            return _chars.AsSpan(start, length);
        }
    }

    public static GuardrailTokens Tokenize(ReadOnlySpan<char> text)
    {
        // Each input char yields at most one term char (U+0130's dot only ends a term), so the
        // lowered buffer never outgrows the input; a term takes at least two input chars.
        var chars = new char[text.Length];
        var spans = new (int Start, int Length)[MaxTerms(text.Length)];
        var count = Tokenize(text, chars, spans);
        return new GuardrailTokens(chars, [.. spans.AsSpan(0, count)]);
    }

    /// <summary>The most terms a text of <paramref name="length"/> chars can hold (a term takes two chars).</summary>
    public static int MaxTerms(int length) => length / 2 + 1;

    /// <summary>
    /// Tokenises into caller-provided buffers (pooled on the hot path): lowered term characters into
    /// <paramref name="chars"/> (at least the text's length) and each term's (start, length) in it into
    /// <paramref name="terms"/> (at least <see cref="MaxTerms"/>). Returns the number of terms.
    /// </summary>
    public static int Tokenize(ReadOnlySpan<char> text, Span<char> chars, Span<(int Start, int Length)> terms)
    {
        var count = 0;
        var length = 0;
        var termStart = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                chars[length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
            else if (c == '\u0130')
            {
                // "İ".toLowerCase() is "i\u0307": the i joins the term, the combining dot ends it.
                chars[length++] = 'i';
                EndTerm(terms, ref count, ref length, ref termStart);
            }
            else if (c == '\u212A')
            {
                chars[length++] = 'k';
            }
            else
            {
                EndTerm(terms, ref count, ref length, ref termStart);
            }
        }

        EndTerm(terms, ref count, ref length, ref termStart);
        return count;
    }

    private static void EndTerm(Span<(int Start, int Length)> terms, ref int count, ref int length, ref int termStart)
    {
        if (length - termStart >= 2)
        {
            terms[count++] = (termStart, length - termStart);
        }
        else
        {
            length = termStart;
        }

        termStart = length;
    }

    public IEnumerable<string> Terms()
    {
        for (var i = 0; i < _terms.Count; i++)
        {
            yield return this[i].ToString();
        }
    }
}
