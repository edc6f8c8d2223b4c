using System.Text;

namespace Platform.Retrieval.Text;

/// <summary>
/// Marks the query's terms in a chunk: every token whose lower-cased form is a query term is
/// wrapped in « and » (guillemets, not HTML, so a client that renders the text as HTML is not
/// handed markup it did not ask for). The rest of the text is returned unchanged.
/// </summary>
public static class Highlighter
{
    public const string Open = "«";
    public const string Close = "»";

    public static string? Highlight(string? text, IReadOnlySet<string> queryTerms)
    {
        if (text is null || queryTerms.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        var copied = 0;
        foreach (var token in TextTokenizer.Tokens(text))
        {
            if (!queryTerms.Contains(token.Term))
            {
                continue;
            }

            builder.Append(text, copied, token.Start - copied).Append(Open).Append(text, token.Start, token.Length).Append(Close);
            copied = token.Start + token.Length;
        }

        return builder.Append(text, copied, text.Length - copied).ToString();
    }
}
