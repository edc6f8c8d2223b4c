using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Platform.Ingest.Chunking;

/// <summary>
/// Splits Markdown into sections at its top-level headings (ATX and setext, as CommonMark reads
/// them, so a <c>#</c> inside a code block or a list is not a heading). Each section runs from its
/// heading line to the next heading and carries the path of headings above it.
/// </summary>
public static class MarkdownSections
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    public static IReadOnlyList<Section> Find(string markdown)
    {
        var headings = Markdown.Parse(markdown, Pipeline).OfType<HeadingBlock>().ToList();
        var sections = new List<Section>(headings.Count + 1);
        var firstStart = headings.Count > 0 ? Math.Clamp(headings[0].Span.Start, 0, markdown.Length) : markdown.Length;
        if (firstStart > 0)
        {
            sections.Add(new Section(0, firstStart, []));
        }

        // Open headings, outermost first; a heading closes every open one at its level or deeper.
        var open = new List<(int Level, string Text)>();
        for (var i = 0; i < headings.Count; i++)
        {
            var heading = headings[i];
            open.RemoveAll(h => h.Level >= heading.Level);
            open.Add((heading.Level, PlainText(heading.Inline).Trim()));

            var start = Math.Clamp(heading.Span.Start, 0, markdown.Length);
            var end = i + 1 < headings.Count ? Math.Clamp(headings[i + 1].Span.Start, start, markdown.Length) : markdown.Length;
            sections.Add(new Section(start, end, [.. open.Select(h => h.Text).Where(t => t.Length > 0)]));
        }

        return sections;
    }

    /// <summary>What a reader sees of a heading: literal text and code, without emphasis or link markup.</summary>
    private static string PlainText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        Append(inline);
        return text.ToString();

        void Append(Inline? node)
        {
            switch (node)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case LineBreakInline:
                    text.Append(' ');
                    break;
                case AutolinkInline link:
                    text.Append(link.Url);
                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        Append(child);
                    }

                    break;
            }
        }
    }
}
