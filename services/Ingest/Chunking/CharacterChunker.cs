using System.Globalization;

namespace Platform.Ingest.Chunking;

/// <summary>
/// The fallback when no vocabulary is configured: splits a document into chunks of at most
/// <see cref="ChunkingOptions.MaxChunkChars"/> characters (so the embedding model may cut a chunk).
/// Markdown headings bound sections that no chunk crosses. Inside a section a chunk ends at the
/// best boundary in the second half of its window: a blank line (paragraph), else a sentence end,
/// else a line end, else a space, else (unbroken text) at the window's end, never inside a
/// surrogate pair or before a combining mark. The next chunk starts up to
/// <see cref="ChunkingOptions.OverlapChars"/> earlier, on a sentence or word start. A pure function:
/// the same text and options always give the same chunks.
/// </summary>
public static class CharacterChunker
{
    public static IReadOnlyList<Chunk> Split(string text, TextFormat format, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (options.CharacterProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var sections = format == TextFormat.Markdown
            ? MarkdownSections.Find(text)
            : [new Section(0, text.Length, [])];
        var chunks = new List<Chunk>();
        foreach (var section in sections)
        {
            SplitSection(text, section, options, chunks);
        }

        return chunks;
    }

    private static void SplitSection(string text, Section section, ChunkingOptions options, List<Chunk> chunks)
    {
        var max = options.MaxChunkChars;
        var position = section.Start;
        while (true)
        {
            position = SkipWhiteSpace(text, position, section.End);
            if (position >= section.End)
            {
                return;
            }

            var cut = section.End - position <= max ? section.End : FindCut(text, position, position + max);
            Emit(text, position, cut, section.HeadingPath, chunks);
            if (cut >= section.End)
            {
                return;
            }

            position = OverlapStart(text, position, cut, options.OverlapChars);
        }
    }

    /// <summary>Where a chunk starting at <paramref name="start"/> ends, at most <paramref name="limit"/>.</summary>
    private static int FindCut(string text, int start, int limit)
    {
        // Looking no earlier than half a window keeps chunks from becoming tiny.
        var lowest = start + ((limit - start) / 2);

        for (var i = limit - 1; i > lowest; i--)
        {
            if (text[i] == '\n' && EndsBlankLine(text, i, lowest))
            {
                return i + 1;
            }
        }

        for (var i = limit - 1; i >= lowest; i--)
        {
            if (IsSentenceEnd(text, i))
            {
                return i + 1;
            }
        }

        for (var i = limit - 1; i >= lowest; i--)
        {
            if (text[i] == '\n')
            {
                return i + 1;
            }
        }

        for (var i = limit - 1; i > lowest; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        var cut = limit;
        while (cut > lowest + 1 && !IsCharacterBoundary(text, cut))
        {
            cut--;
        }

        return cut;
    }

    /// <summary>Where the chunk after one spanning [<paramref name="start"/>, <paramref name="cut"/>) starts.</summary>
    private static int OverlapStart(string text, int start, int cut, int overlap)
    {
        if (overlap == 0)
        {
            return cut;
        }

        var from = Math.Max(cut - overlap, start + 1);

        // A sentence start early in the overlap reads best; one near the cut would leave little overlap.
        var sentenceLimit = Math.Min(cut, from + (overlap / 2));
        for (var i = from; i < sentenceLimit; i++)
        {
            if (IsSentenceStart(text, i))
            {
                return i;
            }
        }

        for (var i = from; i < cut; i++)
        {
            if (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        var position = from;
        while (position < cut && !IsCharacterBoundary(text, position))
        {
            position++;
        }

        return position;
    }

    private static void Emit(string text, int start, int end, IReadOnlyList<string> headingPath, List<Chunk> chunks)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            chunks.Add(new Chunk(chunks.Count, text[start..end], start, end - start, headingPath));
        }
    }

    private static int SkipWhiteSpace(string text, int position, int end)
    {
        while (position < end && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    /// <summary>True when the newline at <paramref name="i"/> ends a blank line (only spaces since the previous newline); both chunkers cut there first.</summary>
    internal static bool EndsBlankLine(string text, int i, int lowest)
    {
        for (var j = i - 1; j >= lowest; j--)
        {
            switch (text[j])
            {
                case '\n':
                    return true;
                case ' ' or '\t' or '\r':
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A sentence ends after '.', '!', '?' or '…' followed by white space, or after the full-width
    /// terminators of Chinese and Japanese, which need no space after them.
    /// </summary>
    private static bool IsSentenceEnd(string text, int i) =>
        IsFullWidthTerminator(text[i]) ||
        (IsSpacedTerminator(text[i]) && i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]));

    private static bool IsSentenceStart(string text, int i)
    {
        if (i <= 0 || char.IsWhiteSpace(text[i]))
        {
            return false;
        }

        if (IsFullWidthTerminator(text[i - 1]))
        {
            return true;
        }

        var j = i - 1;
        if (!char.IsWhiteSpace(text[j]))
        {
            return false;
        }

        while (j >= 0 && char.IsWhiteSpace(text[j]))
        {
            j--;
        }

        return j >= 0 && (IsSpacedTerminator(text[j]) || IsFullWidthTerminator(text[j]));
    }

    /// <summary>'.', '!', '?' and '…' end a sentence only when white space follows them.</summary>
    internal static bool IsSpacedTerminator(char c) => c is '.' or '!' or '?' or '…';

    /// <summary>The full-width terminators of Chinese and Japanese end a sentence with no space after them.</summary>
    internal static bool IsFullWidthTerminator(char c) => c is '。' or '！' or '？';

    /// <summary>False inside a surrogate pair or before a combining mark, where a cut would break a character.</summary>
    /// <remarks>
    /// The category is read at the code point (<c>GetUnicodeCategory(text, i)</c>), so a combining mark outside
    /// the Basic Multilingual Plane, written as a surrogate pair, is recognised too. TokenChunker shares this.
    /// </remarks>
    internal static bool IsCharacterBoundary(string text, int i) =>
        i <= 0 || i >= text.Length ||
        (!IsInsideSurrogatePair(text, i) &&
         CharUnicodeInfo.GetUnicodeCategory(text, i) is not
             (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark));

    internal static bool IsInsideSurrogatePair(string text, int i) =>
        i > 0 && i < text.Length && char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]);
}
