using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Ingest.Extraction;

/// <summary>
/// The readable text of an HTML document, as Markdown so the chunker keeps its sections: headings
/// <c>h1</c>..<c>h6</c> become <c>#</c>..<c>######</c> lines, block elements (paragraphs, list items,
/// table rows, line breaks, ...) end a line, list items start with "- ", entities are decoded, and
/// what a reader never sees (scripts, styles, templates, the head, comments) is dropped. It works on
/// the tag structure alone, so malformed HTML (unclosed or stray tags, broken attributes) still yields
/// its text: nothing here can fail.
/// </summary>
public static partial class HtmlText
{
    public static string Extract(string html)
    {
        var text = Hidden().Replace(html, " ");
        text = Heading().Replace(text, m => $"\n\n{new string('#', m.Groups["level"].Value[0] - '0')} {Inline(m.Groups["body"].Value)}\n\n");
        text = ListItem().Replace(text, "\n- ");
        text = BlockBoundary().Replace(text, "\n");
        text = AnyTag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);

        var output = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = Spaces().Replace(raw, " ").Trim();
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (output.Length > 0)
            {
                // A heading or a paragraph after a gap stays a paragraph of its own; lines of one block stay together.
                output.Append(blank > 0 || line.StartsWith('#') ? "\n\n" : "\n");
            }

            output.Append(line);
            blank = 0;
        }

        return output.ToString();
    }

    // The heading's own tags are gone once its text is on one line.
    private static string Inline(string html) => Spaces().Replace(WebUtility.HtmlDecode(AnyTag().Replace(html, " ")), " ").Trim();

    [GeneratedRegex(@"<!--.*?(-->|$)|<(script|style|noscript|template|head|svg)\b[^>]*>.*?(</\2\s*>|$)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<h(?<level>[1-6])\b[^>]*>(?<body>.*?)</h\k<level>\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"<li\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"</?(p|div|br|tr|table|ul|ol|dl|dt|dd|section|article|header|footer|nav|aside|main|blockquote|pre|hr|figure|figcaption|h[1-6]|form|fieldset|address|details|summary)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBoundary();

    // A tag starts with '<' and a letter, '/', '!' or '?': "a < b" is text, as browsers read it.
    [GeneratedRegex(@"<(?:[a-zA-Z!?]|/[a-zA-Z])[^>]*(?:>|$)")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"[ \t\r\f\v\u00a0]+")]
    private static partial Regex Spaces();
}
