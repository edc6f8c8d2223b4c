using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Platform.Tokenizers.WordPiece;

/// <summary>
/// BERT's uncased tokenizer: text cleaning, CJK isolation, per-code-point lower-casing, accent
/// stripping (NFD, drop Mn), punctuation split, then greedy longest-match-first WordPiece with
/// <c>##</c> continuations and one <c>[UNK]</c> for a word that cannot be segmented or is longer
/// than <see cref="MaxCharsPerWord"/> code points. It must give exactly the ids of the training
/// tokenizer (services/Inference/training/wordpiece.py); a fixture test checks that.
/// Thread-safe after construction.
/// </summary>
public sealed class WordPieceTokenizer
{
    public const int MaxCharsPerWord = 100;
    private const string ContinuationPrefix = "##";

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly bool _lowercase;

    [ThreadStatic]
    private static List<int>? t_scratch;

    public WordPieceTokenizer(IEnumerable<string> vocabulary, bool lowercase = true)
    {
        _vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var id = 0;
        foreach (var token in vocabulary)
        {
            // A repeated token would make ids ambiguous between this and the training tokenizer.
            if (!_vocab.TryAdd(token, id))
            {
                throw new InvalidDataException($"The vocabulary lists '{token}' twice (lines {_vocab[token] + 1} and {id + 1}).");
            }

            id++;
        }

        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _lowercase = lowercase;
        PadId = Require("[PAD]");
        UnknownId = Require("[UNK]");
        ClsId = Require("[CLS]");
        SepId = Require("[SEP]");
    }

    public static WordPieceTokenizer Load(string vocabPath, bool lowercase) =>
        new(File.ReadLines(vocabPath).Select(line => line.TrimEnd('\r')), lowercase);

    public int VocabularySize => _vocab.Count;

    public int PadId { get; }

    public int UnknownId { get; }

    public int ClsId { get; }

    public int SepId { get; }

    /// <summary>
    /// <c>[CLS] pieces [SEP]</c>, cut to <paramref name="maxLength"/> ids keeping <c>[SEP]</c> last.
    /// <see cref="EncodedText.FullLength"/> is the length before cutting, so callers can report truncation.
    /// </summary>
    public EncodedText Encode(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var ids = new List<int>((text.Length / 4) + 2) { ClsId };
        AppendPieces(text, ids);
        ids.Add(SepId);
        var fullLength = ids.Count;
        if (ids.Count > maxLength)
        {
            ids.RemoveRange(maxLength - 1, ids.Count - maxLength + 1);
            ids.Add(SepId);
        }

        return new EncodedText([.. ids], fullLength);
    }

    /// <summary>
    /// How many WordPiece tokens <paramref name="text"/> is, without <c>[CLS]</c> and <c>[SEP]</c>: what
    /// <see cref="Encode"/> gives as <see cref="EncodedText.FullLength"/> less two. Pure ASCII text allocates
    /// nothing (the ids go to a per-thread scratch list), so callers may count many small pieces.
    /// </summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var ids = t_scratch ??= new List<int>(256);
        ids.Clear();
        AppendPieces(text, ids);
        var count = ids.Count;

        // One huge text should not pin a huge list to the thread for good.
        if (ids.Capacity > 1 << 16)
        {
            t_scratch = null;
        }

        return count;
    }

    /// <summary>
    /// The words of <c>text[start..end)</c> as the basic tokenizer separates them (at white space, around
    /// each punctuation character and each CJK ideograph), located in <paramref name="text"/> itself, each with
    /// its <see cref="CountTokens"/>; appended to <paramref name="words"/>. White space is in no word; control
    /// characters (which the tokenizer drops) join their neighbours, as they do there. The counts add up: the
    /// tokens of a stretch cut between two words are the sum of its words' tokens, except where lower-casing
    /// or accent stripping turns a character into punctuation (or back), so a caller that needs a bound checks
    /// the stretch itself with <see cref="CountTokens"/>.
    /// </summary>
    public void FindWords(string text, int start, int end, List<WordSpan> words)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, text.Length);
        var runStart = -1;
        var runEnd = -1;
        var i = start;
        while (i < end)
        {
            // A lone surrogate decodes as U+FFFD, which cleaning drops, as it does there.
            Rune.DecodeFromUtf16(text.AsSpan(i, end - i), out var rune, out var consumed);
            var value = rune.Value;
            if (IsWhitespace(rune) || value is 0x2028 or 0x2029)
            {
                Flush();
            }
            else if (value is 0 or 0xFFFD || IsControl(rune))
            {
                // Dropped by cleaning without splitting: part of the word around it, if any.
            }
            else if (IsCjk(value) || IsPunctuation(rune))
            {
                Flush();
                words.Add(new WordSpan(i, consumed, CountTokens(text.AsSpan(i, consumed))));
            }
            else
            {
                if (runStart < 0)
                {
                    runStart = i;
                }

                runEnd = i + consumed;
            }

            i += consumed;
        }

        Flush();

        void Flush()
        {
            if (runStart >= 0)
            {
                words.Add(new WordSpan(runStart, runEnd - runStart, CountTokens(text.AsSpan(runStart, runEnd - runStart))));
                runStart = -1;
            }
        }
    }

    /// <summary>The pieces of <paramref name="text"/>, without [CLS]/[SEP], appended to <paramref name="ids"/>.</summary>
    private void AppendPieces(ReadOnlySpan<char> text, List<int> ids)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            AppendAscii(text, ids);
            return;
        }

        // Every step of the basic tokenizer stays inside a stretch between white space, so in mixed text
        // the ASCII stretches take the fast path and only the others allocate.
        var start = -1;
        var i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
            if (IsWhitespace(rune) || rune.Value is 0x2028 or 0x2029)
            {
                if (start >= 0)
                {
                    AppendStretch(text[start..i], ids);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }

            i += consumed;
        }

        if (start >= 0)
        {
            AppendStretch(text[start..], ids);
        }
    }

    /// <summary>The pieces of text without white space.</summary>
    private void AppendStretch(ReadOnlySpan<char> stretch, List<int> ids)
    {
        if (System.Text.Ascii.IsValid(stretch))
        {
            AppendAscii(stretch, ids);
        }
        else
        {
            AppendGeneral(stretch.ToString(), ids);
        }
    }

    /// <summary>The general (Unicode) pipeline for any text: the basic tokenizer, then WordPiece per word.</summary>
    internal void AppendGeneral(string text, List<int> ids)
    {
        foreach (var word in BasicTokenize(text))
        {
            AppendWordPieces(word, ids);
        }
    }

    /// <summary>
    /// The same pipeline for pure ASCII text, without allocating (but for growing the ids list):
    /// ASCII has no accents to strip, no CJK and no Unicode spaces, so cleaning, lower-casing and the
    /// punctuation split are per character, and each word is looked up as a span.
    /// </summary>
    private void AppendAscii(ReadOnlySpan<char> text, List<int> ids)
    {
        // A word longer than MaxCharsPerWord is one [UNK] whatever its letters, so the buffer holds no more
        // than that and one: long texts need no heap buffer either.
        Span<char> word = stackalloc char[MaxCharsPerWord + 1];
        var count = 0;
        foreach (var c in text)
        {
            // Controls (but tab, newline, return) are dropped by cleaning, as in BasicTokenize.
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\x7f')
            {
                continue;
            }

            if (c is ' ' or '\t' or '\n' or '\r')
            {
                AppendAsciiWord(word, count, ids);
                count = 0;
            }
            else if (c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~')
            {
                AppendAsciiWord(word, count, ids);
                count = 0;
                Span<char> single = [c];
                AppendWordPieces(single, ids);
            }
            else
            {
                if (count < word.Length)
                {
                    word[count] = _lowercase && char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                }

                count++;
            }
        }

        AppendAsciiWord(word, count, ids);
    }

    /// <summary>The word of <paramref name="count"/> characters whose first ones <paramref name="buffer"/> holds.</summary>
    private void AppendAsciiWord(ReadOnlySpan<char> buffer, int count, List<int> ids)
    {
        if (count > MaxCharsPerWord)
        {
            ids.Add(UnknownId);
        }
        else
        {
            AppendWordPieces(buffer[..count], ids);
        }
    }

    /// <summary>WordPiece of one ASCII word (every char is one code point).</summary>
    private void AppendWordPieces(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (word.Length > MaxCharsPerWord)
        {
            ids.Add(UnknownId);
            return;
        }

        Span<int> boundaries = stackalloc int[word.Length + 1];
        for (var i = 0; i < boundaries.Length; i++)
        {
            boundaries[i] = i;
        }

        AppendLongestMatches(word, boundaries, ids);
    }

    /// <summary>The words BERT's basic tokenizer produces, before WordPiece.</summary>
    public List<string> BasicTokenize(string text)
    {
        var cleaned = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value == 0 || value == 0xFFFD || IsControl(rune))
            {
                continue;
            }

            // U+2028/U+2029 are not Zs, but Python's str.split() (the training tokenizer) splits on them.
            if (IsWhitespace(rune) || value is 0x2028 or 0x2029)
            {
                cleaned.Append(' ');
            }
            else if (IsCjk(value))
            {
                cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                cleaned.Append(rune.ToString());
            }
        }

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var raw in cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var normalised = StripAccents(_lowercase ? Lowercase(raw) : raw);
            word.Clear();
            foreach (var rune in normalised.EnumerateRunes())
            {
                if (IsPunctuation(rune))
                {
                    if (word.Length > 0)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                    }

                    words.Add(rune.ToString());
                }
                else
                {
                    word.Append(rune.ToString());
                }
            }

            if (word.Length > 0)
            {
                words.Add(word.ToString());
            }
        }

        return words;
    }

    private void AppendWordPieces(string word, List<int> ids)
    {
        // Offsets are in UTF-16 units, but every candidate boundary is a rune boundary, so pieces
        // never split a surrogate pair; the length limit counts code points, as Python does.
        var boundaries = new List<int>(word.Length + 1);
        for (var index = 0; index < word.Length; index += char.IsSurrogatePair(word, index) ? 2 : 1)
        {
            boundaries.Add(index);
        }

        boundaries.Add(word.Length);
        if (boundaries.Count - 1 > MaxCharsPerWord)
        {
            ids.Add(UnknownId);
            return;
        }

        AppendLongestMatches(word, CollectionsMarshal.AsSpan(boundaries), ids);
    }

    /// <summary>
    /// Greedy longest-match-first over the word's code point <paramref name="boundaries"/> (offsets into
    /// <paramref name="word"/>, first 0, last its length): the longest vocabulary entry from the start,
    /// then "##"-continuations; a word with any part not in the vocabulary becomes one [UNK].
    /// </summary>
    private void AppendLongestMatches(ReadOnlySpan<char> word, ReadOnlySpan<int> boundaries, List<int> ids)
    {
        var start = ids.Count;
        var codePoints = boundaries.Length - 1;
        Span<char> buffer = stackalloc char[ContinuationPrefix.Length + word.Length];
        ContinuationPrefix.AsSpan().CopyTo(buffer);
        var begin = 0;
        while (begin < codePoints)
        {
            var end = codePoints;
            var found = -1;
            while (begin < end)
            {
                var piece = word[boundaries[begin]..boundaries[end]];
                scoped ReadOnlySpan<char> key;
                if (begin > 0)
                {
                    piece.CopyTo(buffer[ContinuationPrefix.Length..]);
                    key = buffer[..(ContinuationPrefix.Length + piece.Length)];
                }
                else
                {
                    key = piece;
                }

                if (_lookup.TryGetValue(key, out var id))
                {
                    found = id;
                    break;
                }

                end--;
            }

            if (found < 0)
            {
                ids.RemoveRange(start, ids.Count - start);
                ids.Add(UnknownId);
                return;
            }

            ids.Add(found);
            begin = end;
        }
    }

    /// <summary>Per code point, so no context rule (Greek final sigma) applies: the training tokenizer does the same.</summary>
    private static string Lowercase(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            // Python lowers U+0130 (İ) to "i" + U+0307; .NET's invariant mapping leaves it unchanged.
            if (rune.Value == 0x0130)
            {
                builder.Append("i\u0307");
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return builder.ToString();
    }

    private static string StripAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    private static bool IsPunctuation(Rune rune)
    {
        var value = rune.Value;
        // ASCII symbols that Unicode does not class as punctuation ($, +, ^, `...) split too, as in BERT.
        if (value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsCjk(int value) =>
        value is >= 0x4E00 and <= 0x9FFF
            or >= 0x3400 and <= 0x4DBF
            or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F
            or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF
            or >= 0x2F800 and <= 0x2FA1F;

    private int Require(string token) =>
        _vocab.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"The vocabulary has no {token} token.");
}
