using System.Text;
using Platform.Tokenizers.WordPiece;

namespace Platform.Ingest.Chunking;

/// <summary>
/// Splits a document into chunks of at most <see cref="ChunkingOptions.ChunkTokenLimit"/> tokens of the
/// embedding model's vocabulary (without [CLS] and [SEP]), so Inference embeds every chunk whole.
/// Markdown headings bound sections that no chunk crosses. Inside a section the text is read as the
/// tokenizer's words, each with its token count; a chunk ends between two words, at the best boundary
/// in the second half of what fits: a blank line (paragraph), else a sentence end, else a line end, else
/// white space, else between characters written together (punctuation, CJK ideographs), else, for a
/// word that alone is over the limit, inside it without splitting a character. Every chunk's own text
/// is counted again before it is kept, so the limit holds even where the words' counts do not add up.
/// The next chunk starts up to <see cref="ChunkingOptions.OverlapTokens"/> tokens earlier, on a sentence
/// or word start. No chunk is longer than Retrieval's <see cref="ChunkingOptions.MaxTextChars"/>
/// characters either: a word of more than 100 letters is one [UNK] token however long it is.
/// A pure function: the same text, options and vocabulary always give the same chunks.
/// </summary>
public static class TokenChunker
{
    public static IReadOnlyList<Chunk> Split(string text, TextFormat format, ChunkingOptions options, WordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (options.TokenProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var sections = format == TextFormat.Markdown
            ? MarkdownSections.Find(text)
            : [new Section(0, text.Length, [])];
        var chunks = new List<Chunk>();
        var words = new List<WordSpan>();
        var pieces = new List<Piece>();
        foreach (var section in sections)
        {
            words.Clear();
            tokenizer.FindWords(text, section.Start, section.End, words);
            pieces.Clear();
            foreach (var word in words)
            {
                AddPieces(text, word, options.ChunkTokenLimit, tokenizer, pieces);
            }

            new SectionSplitter(text, section.HeadingPath, pieces, options, tokenizer, chunks).Run();
        }

        return chunks;
    }

    /// <summary>
    /// A word, or part of a word too long for one chunk: <c>[Start, End)</c>, its tokens counted on its own,
    /// and whether it continues the piece before it (no boundary between them).
    /// </summary>
    private readonly record struct Piece(int Start, int End, int Tokens, bool InsideWord);

    /// <summary>How good a place to end a chunk (or start an overlap) a boundary between two pieces is.</summary>
    private enum Boundary
    {
        /// <summary>Inside a word too long for one chunk.</summary>
        InsideWord = 0,

        /// <summary>Next to punctuation written without a space: inside <c>e-mail</c>, <c>x86_64</c>, before a comma.</summary>
        Attached = 1,

        /// <summary>Between ideographs (or kana runs) of Chinese or Japanese, which are written without spaces.</summary>
        Ideograph = 2,

        Space = 3,
        Line = 4,
        Sentence = 5,
        Paragraph = 6,
    }

    /// <summary>The word as one piece, or, when it alone is over a chunk's limits, as the longest pieces that fit.</summary>
    private static void AddPieces(string text, WordSpan word, int maxTokens, WordPieceTokenizer tokenizer, List<Piece> pieces)
    {
        if (word.Tokens <= maxTokens && word.Length <= ChunkingOptions.MaxTextChars)
        {
            pieces.Add(new Piece(word.Start, word.End, word.Tokens, InsideWord: false));
            return;
        }

        var start = word.Start;
        while (start < word.End)
        {
            var end = LongestFit(text, start, word.End, maxTokens, tokenizer, out var tokens);
            pieces.Add(new Piece(start, end, tokens, InsideWord: start > word.Start));
            start = end;
        }
    }

    /// <summary>
    /// Where the longest piece from <paramref name="start"/> that fits a chunk ends: at a character boundary
    /// (not inside a surrogate pair, not before a combining mark) if one fits, else at a code point boundary.
    /// </summary>
    private static int LongestFit(string text, int start, int end, int maxTokens, WordPieceTokenizer tokenizer, out int tokens)
    {
        var limit = Math.Min(end, start + ChunkingOptions.MaxTextChars);
        foreach (var wholeCharacters in (ReadOnlySpan<bool>)[true, false])
        {
            // From the longest down: a piece of more than 100 letters is one [UNK] token, so long pieces fit at once,
            // and a short word over a small limit has few lengths to try.
            for (var cut = limit; cut > start; cut--)
            {
                if (cut < end && !(wholeCharacters ? CharacterChunker.IsCharacterBoundary(text, cut) : !CharacterChunker.IsInsideSurrogatePair(text, cut)))
                {
                    continue;
                }

                tokens = tokenizer.CountTokens(text.AsSpan(start, cut - start));
                if (tokens <= maxTokens)
                {
                    return cut;
                }
            }
        }

        // One code point is at most one token and the limit is at least one, so the loops always return.
        throw new InvalidOperationException($"No piece of the word at {start} fits {maxTokens} tokens.");
    }

    /// <summary>The chunks of one section, appended to the document's.</summary>
    private sealed class SectionSplitter
    {
        private readonly string _text;
        private readonly IReadOnlyList<string> _headingPath;
        private readonly List<Piece> _pieces;
        private readonly WordPieceTokenizer _tokenizer;
        private readonly List<Chunk> _chunks;
        private readonly int _maxTokens;
        private readonly int _overlapTokens;

        /// <summary>Tokens before each piece: <c>_before[i]</c> is the sum over pieces <c>[0, i)</c>.</summary>
        private readonly int[] _before;

        public SectionSplitter(
            string text, IReadOnlyList<string> headingPath, List<Piece> pieces, ChunkingOptions options, WordPieceTokenizer tokenizer, List<Chunk> chunks)
        {
            _text = text;
            _headingPath = headingPath;
            _pieces = pieces;
            _tokenizer = tokenizer;
            _chunks = chunks;
            _maxTokens = options.ChunkTokenLimit;
            _overlapTokens = options.OverlapTokens;
            _before = new int[pieces.Count + 1];
            for (var i = 0; i < pieces.Count; i++)
            {
                _before[i + 1] = _before[i] + pieces[i].Tokens;
            }
        }

        private int Count => _pieces.Count;

        public void Run()
        {
            if (Count == 0)
            {
                return;
            }

            var start = 0;
            var previousEnd = 0;
            while (true)
            {
                // A chunk after an overlap must reach past the previous chunk; if no such end fits (counts
                // that did not add up), it starts where the previous one ended instead, without overlap.
                var end = ChooseEnd(start, previousEnd + 1);
                if (end < 0)
                {
                    start = previousEnd;
                    end = ChooseEnd(start, start + 1);
                }

                Emit(start, end);
                if (end == Count)
                {
                    return;
                }

                previousEnd = end;
                start = OverlapStart(start, end);
            }
        }

        /// <summary>
        /// Where the chunk of pieces from <paramref name="start"/> ends (exclusive), at least at
        /// <paramref name="minEnd"/>; -1 when no end from there fits once counted.
        /// </summary>
        private int ChooseEnd(int start, int minEnd)
        {
            var fits = start;
            while (fits < Count && _before[fits + 1] - _before[start] <= _maxTokens
                   && _pieces[fits].End - _pieces[start].Start <= ChunkingOptions.MaxTextChars)
            {
                fits++;
            }

            while (fits >= minEnd)
            {
                var end = fits == Count ? Count : BestCut(start, fits, minEnd);
                var tokens = _tokenizer.CountTokens(_text.AsSpan(_pieces[start].Start, _pieces[end - 1].End - _pieces[start].Start));
                if (tokens <= _maxTokens)
                {
                    return end;
                }

                // The words' counts did not add up here (a character that lower-casing or accent stripping
                // turns into punctuation, or back): try the next shorter end.
                fits = end - 1;
            }

            return -1;
        }

        /// <summary>The best boundary in (<paramref name="start"/>, <paramref name="fits"/>], in the second half of what fits; the latest among equals.</summary>
        private int BestCut(int start, int fits, int minEnd)
        {
            // Looking no earlier than half of what fits keeps chunks from becoming tiny.
            var half = (_before[fits] - _before[start]) / 2;
            var best = fits;
            var bestKind = Kind(fits);
            for (var end = fits - 1; end >= minEnd && end > start && bestKind < Boundary.Paragraph; end--)
            {
                if (_before[end] - _before[start] < half)
                {
                    break;
                }

                var kind = Kind(end);
                if (kind > bestKind)
                {
                    (best, bestKind) = (end, kind);
                }
            }

            return best;
        }

        /// <summary>Where the chunk after pieces [<paramref name="start"/>, <paramref name="end"/>) starts: up to the overlap earlier.</summary>
        private int OverlapStart(int start, int end)
        {
            // The overlap leaves room for the piece at the end, so the next chunk always gets past it.
            var budget = Math.Min(_overlapTokens, _maxTokens - _pieces[end].Tokens);
            if (budget <= 0)
            {
                return end;
            }

            var earliest = end;
            while (earliest - 1 > start && _before[end] - _before[earliest - 1] <= budget
                   && _pieces[end].End - _pieces[earliest - 1].Start <= ChunkingOptions.MaxTextChars)
            {
                earliest--;
            }

            if (earliest == end)
            {
                return end;
            }

            // A sentence start early in the overlap reads best; one near the end would leave little overlap.
            var early = (_before[end] - _before[earliest]) / 2;
            for (var i = earliest; i < end && _before[i] - _before[earliest] <= early; i++)
            {
                if (Kind(i) >= Boundary.Sentence)
                {
                    return i;
                }
            }

            // Else a word start; an overlap that would start on punctuation or inside a word is left out.
            foreach (var wanted in (ReadOnlySpan<Boundary>)[Boundary.Space, Boundary.Ideograph])
            {
                for (var i = earliest; i < end; i++)
                {
                    if (Kind(i) >= wanted)
                    {
                        return i;
                    }
                }
            }

            return end;
        }

        /// <summary>The boundary before piece <paramref name="index"/> (between it and the piece before).</summary>
        private Boundary Kind(int index)
        {
            var next = _pieces[index];
            if (next.InsideWord)
            {
                return Boundary.InsideWord;
            }

            var previous = _pieces[index - 1];
            var newlines = 0;
            var blankLine = false;
            var white = false;
            for (var i = previous.End; i < next.Start; i++)
            {
                var c = _text[i];
                if (c == '\n')
                {
                    blankLine |= newlines > 0 && CharacterChunker.EndsBlankLine(_text, i, previous.End);
                    newlines++;
                }

                white |= char.IsWhiteSpace(c);
            }

            if (blankLine)
            {
                return Boundary.Paragraph;
            }

            if (EndsSentence(index - 1, white))
            {
                return Boundary.Sentence;
            }

            return newlines > 0 ? Boundary.Line
                : white ? Boundary.Space
                : IsPunctuation(previous) || IsPunctuation(next) ? Boundary.Attached
                : Boundary.Ideograph;
        }

        /// <summary>
        /// True for a piece of one punctuation character (the tokenizer makes each its own word). Other
        /// pieces written without a space between them are ideographs or kana: the tokenizer separates words
        /// only at white space, punctuation and CJK ideographs.
        /// </summary>
        private bool IsPunctuation(Piece piece) =>
            piece.End - piece.Start <= 2 && Rune.TryGetRuneAt(_text, piece.Start, out var rune) && rune.Utf16SequenceLength == piece.End - piece.Start
            && (Rune.IsPunctuation(rune) || (Rune.IsSymbol(rune) && rune.Value < 0x80));

        /// <summary>
        /// True when piece <paramref name="index"/> ends a sentence: '.', '!', '?' or '…' before white space
        /// (closing quotes or brackets written after it included), or a full-width terminator of Chinese and
        /// Japanese, which needs no space after it.
        /// </summary>
        private bool EndsSentence(int index, bool whiteAfter)
        {
            while (true)
            {
                var piece = _pieces[index];
                if (piece.End - piece.Start != 1)
                {
                    return false;
                }

                var c = _text[piece.Start];
                if (CharacterChunker.IsFullWidthTerminator(c))
                {
                    return true;
                }

                if (CharacterChunker.IsSpacedTerminator(c))
                {
                    return whiteAfter;
                }

                // "Stop." He ... : look through closing marks written right after the terminator.
                var closing = c is '"' or '\'' or ')' or ']' or '”' or '’' or '»' or '」' or '』';
                if (!closing || index == 0 || _pieces[index - 1].End != piece.Start)
                {
                    return false;
                }

                index--;
            }
        }

        private void Emit(int start, int end)
        {
            var from = _pieces[start].Start;
            var to = _pieces[end - 1].End;
            _chunks.Add(new Chunk(_chunks.Count, _text[from..to], from, to - from, _headingPath));
        }
    }
}
