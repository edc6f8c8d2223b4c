using System.Globalization;
using Platform.Ingest.Chunking;
using Platform.Tokenizers.WordPiece;
using Xunit;

namespace Platform.Ingest.Tests;

/// <summary>
/// The token chunker with the real vocabulary Ingest ships (the default embedding model's): every chunk
/// of a varied corpus fits the limit, overlaps are as configured, and no text is lost.
/// </summary>
public sealed class TokenChunkerTests
{
    /// <summary>What Ingest loads by default: the vocabulary copied to its output.</summary>
    private static readonly WordPieceTokenizer Tokenizer = WordPieceTokenizer.Load(new ChunkingOptions().ResolveVocabularyPath()!, lowercase: true);

    private static readonly ChunkingOptions Defaults = new();

    public static TheoryData<string, int, int> CorpusAndLimits()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in ChunkingCorpus.Names)
        {
            data.Add(name, Defaults.ChunkTokenLimit, Defaults.OverlapTokens);
            data.Add(name, 32, 8);
            data.Add(name, 7, 0);
        }

        return data;
    }

    [Fact]
    public void Defaults_fill_the_default_models_window_less_cls_and_sep()
    {
        Assert.Equal(256, Defaults.ModelMaxSequenceLength);
        Assert.Equal(254, Defaults.ChunkTokenLimit);
        Assert.Null(Defaults.Problem());
    }

    [Theory]
    [MemberData(nameof(CorpusAndLimits))]
    public void Every_chunk_fits_the_limit_and_every_character_is_in_a_chunk_in_order(string document, int maxTokens, int overlapTokens)
    {
        var (text, markdown) = ChunkingCorpus.GetWithFormat(document);
        var options = new ChunkingOptions { MaxChunkTokens = maxTokens, OverlapTokens = overlapTokens };

        var chunks = TokenChunker.Split(text, markdown ? TextFormat.Markdown : TextFormat.Plain, options, Tokenizer);

        Assert.NotEmpty(chunks);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        var covered = new bool[text.Length];
        foreach (var chunk in chunks)
        {
            Assert.Equal(text.Substring(chunk.Start, chunk.Length), chunk.Text);
            Assert.InRange(chunk.Length, 1, ChunkingOptions.MaxTextChars);
            var tokens = Tokenizer.CountTokens(chunk.Text);
            Assert.True(tokens <= maxTokens, $"chunk {chunk.Index} of {document} is {tokens} tokens, over {maxTokens}");
            Assert.False(char.IsLowSurrogate(chunk.Text[0]), $"chunk {chunk.Index} starts inside a surrogate pair");
            Assert.False(char.IsHighSurrogate(chunk.Text[^1]), $"chunk {chunk.Index} ends inside a surrogate pair");
            Array.Fill(covered, true, chunk.Start, chunk.Length);
        }

        // In order: each chunk starts and ends after the one before.
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.True(next.Start > previous.Start && next.Start + next.Length > previous.Start + previous.Length, $"chunk {next.Index} of {document} is out of order");
        }

        // Nothing the embedding model reads is lost: every character outside all chunks is one the tokenizer drops or splits on.
        for (var i = 0; i < text.Length; i++)
        {
            Assert.True(covered[i] || Tokenizer.CountTokens(text.AsSpan(i, char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1)) == 0,
                $"character {i} (U+{(int)text[i]:X4}) of {document} is in no chunk");
        }

        // A word that fits a chunk is never cut: every word of the tokenizer lies whole in some chunk.
        var words = new List<WordSpan>();
        Tokenizer.FindWords(text, 0, text.Length, words);
        var last = -1;
        foreach (var word in words.Where(w => w.Tokens <= maxTokens && w.Length <= ChunkingOptions.MaxTextChars))
        {
            // Chunks are in order with growing ends: the last one starting at or before the word reaches furthest.
            while (last + 1 < chunks.Count && chunks[last + 1].Start <= word.Start)
            {
                last++;
            }

            Assert.True(last >= 0 && word.End <= chunks[last].Start + chunks[last].Length,
                $"the word at {word.Start} ('{text.Substring(word.Start, Math.Min(word.Length, 40))}') of {document} is cut");
        }
    }

    [Theory]
    [MemberData(nameof(CorpusAndLimits))]
    public void Overlaps_stay_within_the_configured_tokens_and_stay_in_a_section(string document, int maxTokens, int overlapTokens)
    {
        var (text, markdown) = ChunkingCorpus.GetWithFormat(document);
        var options = new ChunkingOptions { MaxChunkTokens = maxTokens, OverlapTokens = overlapTokens };

        var chunks = TokenChunker.Split(text, markdown ? TextFormat.Markdown : TextFormat.Plain, options, Tokenizer);

        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            var previousEnd = previous.Start + previous.Length;
            if (next.Start >= previousEnd)
            {
                continue;
            }

            var overlap = Tokenizer.CountTokens(text.AsSpan(next.Start, previousEnd - next.Start));
            Assert.True(overlap <= overlapTokens, $"chunks {previous.Index} and {next.Index} of {document} share {overlap} tokens, over {overlapTokens}");
            Assert.Equal(previous.HeadingPath, next.HeadingPath);
        }
    }

    [Theory]
    [InlineData(254, 40)]
    [InlineData(64, 16)]
    [InlineData(32, 8)]
    public void Prose_chunks_overlap_by_nearly_the_configured_tokens_start_on_a_word_and_fill_the_limit(int maxTokens, int overlapTokens)
    {
        var text = ChunkingCorpus.Prose(seed: 7, words: 5000);
        var options = new ChunkingOptions { MaxChunkTokens = maxTokens, OverlapTokens = overlapTokens };

        var chunks = TokenChunker.Split(text, TextFormat.Plain, options, Tokenizer);

        Assert.True(chunks.Count > 10);
        var overlaps = new List<int>();
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            var previousEnd = previous.Start + previous.Length;
            if (next.Start >= previousEnd)
            {
                // Overlaps start on a word: none is left out unless the last word before the cut alone is over the overlap.
                var lastWord = previous.Text[(previous.Text.LastIndexOf(' ') + 1)..];
                Assert.True(Tokenizer.CountTokens(lastWord) > overlapTokens, $"chunks {previous.Index} and {next.Index} do not overlap");
                continue;
            }

            Assert.True(char.IsWhiteSpace(text[next.Start - 1]), $"chunk {next.Index} starts inside a word");
            overlaps.Add(Tokenizer.CountTokens(text.AsSpan(next.Start, previousEnd - next.Start)));
        }

        Assert.All(overlaps, o => Assert.InRange(o, 1, overlapTokens));
        // Sentence starts are preferred only early in the overlap, so overlaps average well over half of it.
        Assert.True(overlaps.Average() >= overlapTokens * 0.6, $"overlaps average {overlaps.Average():0.0} tokens of {overlapTokens}");
        // Chunks end in the second half of what fits, which is the limit less at most the next word.
        var words = new List<WordSpan>();
        Tokenizer.FindWords(text, 0, text.Length, words);
        var longestWord = words.Max(w => w.Tokens);
        var sizes = chunks.SkipLast(1).Select(c => Tokenizer.CountTokens(c.Text)).ToList();
        Assert.All(sizes, s => Assert.InRange(s, (maxTokens - longestWord) / 2, maxTokens));
        Assert.True(sizes.Average() >= maxTokens * 0.8, $"chunks average {sizes.Average():0.0} tokens of {maxTokens}");
    }

    [Fact]
    public void Zero_overlap_gives_disjoint_chunks()
    {
        var text = ChunkingCorpus.Prose(seed: 2, words: 3000);

        var chunks = TokenChunker.Split(text, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 50, OverlapTokens = 0 }, Tokenizer);

        Assert.True(chunks.Count > 10);
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.True(next.Start >= previous.Start + previous.Length);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t \r\n ")]
    [InlineData("\u200b\u200d\ufeff")]
    public void Text_without_anything_to_embed_has_no_chunks(string text)
    {
        Assert.Empty(TokenChunker.Split(text, TextFormat.Plain, Defaults, Tokenizer));
        Assert.Empty(TokenChunker.Split(text, TextFormat.Markdown, Defaults, Tokenizer));
    }

    [Fact]
    public void Short_text_is_one_chunk_without_surrounding_white_space()
    {
        var chunk = Assert.Single(TokenChunker.Split("  Hello, world.\n", TextFormat.Plain, Defaults, Tokenizer));

        Assert.Equal(("Hello, world.", 2), (chunk.Text, chunk.Start));
        Assert.Empty(chunk.HeadingPath);
    }

    [Fact]
    public void Markdown_headings_bound_chunks_and_give_their_path()
    {

        var chunks = TokenChunker.Split(HeadingSample.Markdown, TextFormat.Markdown, Defaults, Tokenizer);

        HeadingSample.AssertSections(chunks);
    }

    [Fact]
    public void Deep_heading_paths_are_carried_by_every_chunk_of_their_section()
    {
        var text = ChunkingCorpus.Get("markdown-deep-headings");

        var chunks = TokenChunker.Split(text, TextFormat.Markdown, new ChunkingOptions { MaxChunkTokens = 64, OverlapTokens = 16 }, Tokenizer);

        var deepest = chunks.Where(c => c.HeadingPath.Count == 6).ToList();
        Assert.True(deepest.Count > 3, "the level-6 sections are long enough for several chunks");
        Assert.All(deepest, c => Assert.Equal(["Part " + c.HeadingPath[0][^1], "Level 2 of part " + c.HeadingPath[0][^1]], c.HeadingPath.Take(2)));
        Assert.All(deepest, c => Assert.StartsWith("Level 6", c.HeadingPath[^1]));
    }

    [Fact]
    public void A_chunk_ends_at_a_paragraph_break_before_a_sentence_end()
    {
        var first = string.Join(' ', Enumerable.Repeat("First paragraph words.", 3));
        var second = string.Join(' ', Enumerable.Repeat("Second paragraph runs on and on.", 3));

        var chunks = TokenChunker.Split(first + "\n\n" + second, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 20, OverlapTokens = 4 }, Tokenizer);

        Assert.Equal(first, chunks[0].Text);
    }

    [Fact]
    public void A_chunk_ends_at_a_sentence_end_before_a_space()
    {
        var text = string.Join(' ', Enumerable.Range(0, 60).Select(i => i % 9 == 8 ? "stop." : "word"));

        var chunks = TokenChunker.Split(text, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 24, OverlapTokens = 0 }, Tokenizer);

        Assert.All(chunks.SkipLast(1), c => Assert.EndsWith("stop.", c.Text));
    }

    [Fact]
    public void Chinese_and_Japanese_text_is_cut_after_full_width_sentence_ends()
    {
        var text = ChunkingCorpus.Get("plain-cjk");

        var chunks = TokenChunker.Split(text, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 40, OverlapTokens = 0 }, Tokenizer);

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.Contains(c.Text[^1], "。！？"));
    }

    [Fact]
    public void A_word_over_retrievals_text_limit_is_cut_into_pieces_that_fit()
    {
        var word = new string('x', 100_000);

        var chunks = TokenChunker.Split("before " + word + " after", TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 254, OverlapTokens = 0 }, Tokenizer);

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, ChunkingOptions.MaxTextChars));
        // Without overlap the pieces are disjoint, so together they hold the word exactly once.
        Assert.Equal(100_000, chunks.Sum(c => c.Text.Count(ch => ch == 'x')));
        Assert.True(chunks.Count >= 4);
    }

    [Fact]
    public void A_word_of_more_tokens_than_the_limit_is_cut_between_characters()
    {
        // 99 random letters are one word of many WordPiece tokens: more than a limit of 7.
        var random = new Random(5);
        var word = new string([.. Enumerable.Range(0, 99).Select(_ => (char)('a' + random.Next(26)))]);
        Assert.True(Tokenizer.CountTokens(word) > 7);

        var chunks = TokenChunker.Split(word, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 7, OverlapTokens = 0 }, Tokenizer);

        Assert.True(chunks.Count > 1);
        Assert.Equal(word, string.Concat(chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.True(Tokenizer.CountTokens(c.Text) <= 7));
    }

    [Fact]
    public void Unbroken_emoji_and_combining_marks_are_never_split()
    {
        // One word (one [UNK] token) longer than Retrieval's text limit, so it is cut between characters.
        var text = string.Concat(Enumerable.Repeat("😀e\u0301", 12_000));

        var chunks = TokenChunker.Split(text, TextFormat.Plain, new ChunkingOptions { MaxChunkTokens = 7, OverlapTokens = 0 }, Tokenizer);

        Assert.True(chunks.Count > 1);
        foreach (var chunk in chunks)
        {
            Assert.False(char.IsLowSurrogate(chunk.Text[0]), $"chunk {chunk.Index} starts inside a surrogate pair");
            Assert.NotEqual(UnicodeCategory.NonSpacingMark, CharUnicodeInfo.GetUnicodeCategory(chunk.Text[0]));
        }
    }

    [Fact]
    public void The_same_input_gives_the_same_chunks()
    {
        var text = ChunkingCorpus.Get("markdown-mixed");
        var options = new ChunkingOptions { MaxChunkTokens = 48, OverlapTokens = 12 };

        var first = TokenChunker.Split(text, TextFormat.Markdown, options, Tokenizer);
        var second = TokenChunker.Split(text, TextFormat.Markdown, options, Tokenizer);

        Assert.Equal(first.Select(c => (c.Index, c.Start, c.Length, string.Join('/', c.HeadingPath))), second.Select(c => (c.Index, c.Start, c.Length, string.Join('/', c.HeadingPath))));
    }
}
