using System.Globalization;
using System.Text;
using Platform.Ingest.Chunking;
using Xunit;

namespace Platform.Ingest.Tests;

public sealed class CharacterChunkerTests
{
    // The fallback when no vocabulary is configured (VocabularyPath empty).
    private static readonly ChunkingOptions Small = new() { VocabularyPath = "", MaxChunkChars = 100, OverlapChars = 20 };

    private static readonly ChunkingOptions Default = new() { VocabularyPath = "" };

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t \r\n ")]
    public void Empty_or_blank_text_has_no_chunks(string text)
    {
        Assert.Empty(CharacterChunker.Split(text, TextFormat.Plain, Small));
        Assert.Empty(CharacterChunker.Split(text, TextFormat.Markdown, Small));
    }

    [Fact]
    public void Short_text_is_one_trimmed_chunk_without_headings()
    {
        var chunk = Assert.Single(CharacterChunker.Split("  Hello, world.\n", TextFormat.Plain, Small));
        Assert.Equal("Hello, world.", chunk.Text);
        Assert.Equal(2, chunk.Start);
        Assert.Empty(chunk.HeadingPath);
    }

    [Fact]
    public void Markdown_headings_bound_chunks_and_give_their_path()
    {

        var chunks = CharacterChunker.Split(HeadingSample.Markdown, TextFormat.Markdown, Default);

        HeadingSample.AssertSections(chunks);
    }

    [Fact]
    public void Small_sections_are_never_merged_across_headings()
    {
        var chunks = CharacterChunker.Split("# A\none\n# B\ntwo\n", TextFormat.Markdown, Default);

        Assert.Equal(["# A\none", "# B\ntwo"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Heading_text_drops_inline_markup()
    {
        var chunk = Assert.Single(CharacterChunker.Split("## The *fast* `Embed` [path](http://x)\nbody", TextFormat.Markdown, Small));
        Assert.Equal(["The fast Embed path"], chunk.HeadingPath);
    }

    [Fact]
    public void Plain_text_treats_hashes_as_text()
    {
        var chunk = Assert.Single(CharacterChunker.Split("# A\none\n# B\ntwo", TextFormat.Plain, Small));
        Assert.Empty(chunk.HeadingPath);
    }

    [Fact]
    public void A_chunk_ends_at_a_paragraph_break_before_a_sentence_end()
    {
        var first = string.Join(' ', Enumerable.Repeat("First paragraph words.", 3));
        var second = string.Join(' ', Enumerable.Repeat("Second paragraph runs on and on.", 3));
        var text = first + "\n\n" + second;

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, Small);

        Assert.Equal(first, chunks[0].Text);
    }

    [Fact]
    public void Consecutive_chunks_overlap_by_at_most_the_overlap_and_start_on_a_word()
    {
        var text = Prose(seed: 1, words: 400);

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, Small);

        Assert.True(chunks.Count > 5);
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            var overlap = previous.Start + previous.Length - next.Start;
            Assert.InRange(overlap, 1, Small.OverlapChars);
            Assert.True(char.IsWhiteSpace(text[next.Start - 1]), $"chunk {next.Index} starts inside a word");
        }
    }

    [Fact]
    public void Zero_overlap_gives_disjoint_chunks()
    {
        var text = Prose(seed: 2, words: 300);

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, new ChunkingOptions { VocabularyPath = "", MaxChunkChars = 100, OverlapChars = 0 });

        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.True(next.Start >= previous.Start + previous.Length);
        }
    }

    [Fact]
    public void A_long_paragraph_without_breaks_is_cut_at_the_limit_with_overlap()
    {
        var text = new string('a', 1000);

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, Small);

        Assert.All(chunks.SkipLast(1), c => Assert.Equal(Small.MaxChunkChars, c.Length));
        Assert.All(chunks.Skip(1), c => Assert.Equal(chunks[c.Index - 1].Start + Small.MaxChunkChars - Small.OverlapChars, c.Start));
        Assert.Equal(text.Length, chunks[^1].Start + chunks[^1].Length);
    }

    [Fact]
    public void Unbroken_emoji_and_combining_marks_are_never_split()
    {
        var text = string.Concat(Enumerable.Repeat("😀e\u0301", 300));

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, Small);

        Assert.True(chunks.Count > 3);
        foreach (var chunk in chunks)
        {
            Assert.InRange(chunk.Length, 1, Small.MaxChunkChars);
            Assert.False(char.IsLowSurrogate(chunk.Text[0]), $"chunk {chunk.Index} starts inside a surrogate pair");
            Assert.False(char.IsHighSurrogate(chunk.Text[^1]), $"chunk {chunk.Index} ends inside a surrogate pair");
            Assert.NotEqual(UnicodeCategory.NonSpacingMark, CharUnicodeInfo.GetUnicodeCategory(chunk.Text[0]));
        }
    }

    [Fact]
    public void Chinese_and_Japanese_text_is_cut_after_full_width_sentence_ends()
    {
        var text = string.Concat(Enumerable.Repeat("日本語の文章です。", 40));

        var chunks = CharacterChunker.Split(text, TextFormat.Plain, Small);

        Assert.All(chunks, c => Assert.EndsWith("。", c.Text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Chunks_are_exact_substrings_within_the_limit_and_cover_every_character(int seed)
    {
        var text = MarkdownDocument(seed);
        var options = new ChunkingOptions { VocabularyPath = "", MaxChunkChars = 120 + (seed * 40), OverlapChars = 30 };

        var chunks = CharacterChunker.Split(text, TextFormat.Markdown, options);

        var covered = new bool[text.Length];
        foreach (var chunk in chunks)
        {
            Assert.Equal(text.Substring(chunk.Start, chunk.Length), chunk.Text);
            Assert.InRange(chunk.Length, 1, options.MaxChunkChars);
            Array.Fill(covered, true, chunk.Start, chunk.Length);
        }

        for (var i = 0; i < text.Length; i++)
        {
            Assert.True(covered[i] || char.IsWhiteSpace(text[i]), $"character {i} ('{text[i]}') is in no chunk");
        }

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
    }

    [Fact]
    public void The_same_input_gives_the_same_chunks()
    {
        var text = MarkdownDocument(seed: 7);

        Assert.Equal(
            CharacterChunker.Split(text, TextFormat.Markdown, Small),
            CharacterChunker.Split(text, TextFormat.Markdown, Small),
            new ChunkComparer());
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(100, 50)]
    [InlineData(100, -1)]
    public void Options_that_cannot_make_progress_are_rejected(int max, int overlap)
    {
        var options = new ChunkingOptions { VocabularyPath = "", MaxChunkChars = max, OverlapChars = overlap };

        Assert.NotNull(options.Problem());
        Assert.NotNull(options.CharacterProblem());
        Assert.Throws<ArgumentException>(() => CharacterChunker.Split("text", TextFormat.Plain, options));
    }

    private static string Prose(int seed, int words)
    {
        var random = new Random(seed);
        string[] vocabulary = ["retrieval", "index", "vector", "chunk", "naïve", "données", "search", "the", "a", "of"];
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append(vocabulary[random.Next(vocabulary.Length)]);
            text.Append(random.Next(12) == 0 ? ". " : " ");
        }

        return text.ToString().TrimEnd();
    }

    private static string MarkdownDocument(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var section = 0; section < 12; section++)
        {
            text.Append('#', random.Next(1, 4)).Append(" Section ").Append(section).Append("\n\n");
            for (var paragraph = random.Next(0, 4); paragraph > 0; paragraph--)
            {
                text.Append(Prose(random.Next(), random.Next(5, 120))).Append("\n\n");
            }

            if (random.Next(3) == 0)
            {
                text.Append(new string('x', random.Next(50, 400))).Append("😀\n\n");
            }
        }

        return text.ToString();
    }

    private sealed class ChunkComparer : IEqualityComparer<Chunk>
    {
        public bool Equals(Chunk? x, Chunk? y) =>
            x is not null && y is not null && x.Index == y.Index && x.Start == y.Start && x.Text == y.Text &&
            x.HeadingPath.SequenceEqual(y.HeadingPath);

        public int GetHashCode(Chunk obj) => HashCode.Combine(obj.Index, obj.Start);
    }
}
