namespace Platform.Retrieval.Text;

/// <summary>
/// BM25's tokenizer: maximal runs of Unicode letters and digits, lower-cased (invariant culture).
/// Everything else separates tokens. No stemming or stop words, so what matches is what the user
/// typed; a character outside the Basic Multilingual Plane (a surrogate pair) separates tokens too.
/// </summary>
public static class TextTokenizer
{
    public readonly record struct Token(string Term, int Start, int Length);

    public static IEnumerable<Token> Tokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                yield return new Token(text[start..i].ToLowerInvariant(), start, i - start);
                start = -1;
            }
        }
    }

    public static IEnumerable<string> Terms(string? text) => Tokens(text).Select(t => t.Term);
}
