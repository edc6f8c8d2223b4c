using System.Text.Json;
using Platform.Tokenizers.WordPiece;
using Xunit;

namespace Platform.Tokenizers.Tests;

public sealed class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer Tokenizer = WordPieceTokenizer.Load(Path.Combine(AppContext.BaseDirectory, "vocab.txt"), lowercase: true);

    public static TheoryData<string, int[]> Fixture()
    {
        // Ids written by the training tokenizer (services/Inference/training/wordpiece.py --fixture).
        var data = new TheoryData<string, int[]>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "wordpiece.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            data.Add(json.RootElement.GetProperty("text").GetString()!, [.. json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixture))]
    public void Gives_the_ids_of_the_training_tokenizer(string text, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.Encode(text, 512).Ids);
    }

    [Fact]
    public void Matches_bert_base_uncased_on_known_tokenisations()
    {
        // Hugging Face's BertTokenizer (bert-base-uncased): "unaffable" -> una ##ffa ##ble; "Hello, world!" -> hello , world !
        Assert.Equal([Tokenizer.ClsId, 14477, 20961, 3468, Tokenizer.SepId], Tokenizer.Encode("unaffable", 512).Ids);
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], Tokenizer.Encode("Hello, world!", 512).Ids);
    }

    [Fact]
    public void Truncation_keeps_sep_last_and_reports_the_full_length()
    {
        var encoded = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("word", 50)), 10);

        Assert.Equal(10, encoded.Ids.Length);
        Assert.Equal(Tokenizer.SepId, encoded.Ids[^1]);
        Assert.Equal(52, encoded.FullLength);
        Assert.True(encoded.Truncated);
    }

    [Fact]
    public void A_word_longer_than_the_limit_is_one_unknown_token()
    {
        Assert.Equal([Tokenizer.ClsId, Tokenizer.UnknownId, Tokenizer.SepId], Tokenizer.Encode(new string('a', WordPieceTokenizer.MaxCharsPerWord + 1), 512).Ids);
    }

    [Fact]
    public void The_ascii_path_gives_the_ids_of_the_general_pipeline()
    {
        // Pure ASCII text takes a path that allocates no string per character or word; it must give
        // exactly the ids of the general (Unicode) pipeline.
        var random = new Random(20261122);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n\r!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u0001\u001f\u007f\u000b\u000c";
        string[] words =
        [
            "running", "unaffable", "PostgreSQL", "x86_64", "e-mail", "don't", "libxml2-dev",
            new string('q', WordPieceTokenizer.MaxCharsPerWord), new string('Q', WordPieceTokenizer.MaxCharsPerWord + 1), new string('z', 5000),
        ];
        for (var sample = 0; sample < 400; sample++)
        {
            var text = RandomText(random, alphabet, words);

            Assert.Equal(General(text), Tokenizer.Encode(text, 4096).Ids);
        }
    }

    [Fact]
    public void Mixed_text_gives_the_ids_of_the_general_pipeline()
    {
        // Text with any non-ASCII character is tokenized stretch by stretch between white space: ASCII
        // stretches on the fast path, the others on the general one. Together they must equal the general
        // pipeline over the whole text, whatever white space (Unicode spaces included) separates them.
        var random = new Random(20261206);
        const string alphabet = "abcXYZ019 \t\n\r.,-_'\u0001\u007féÅß中文日本語のテキスト한국\u00a0\u3000\u2028\u2029\u0301\u200bİΣ😀\ud800ﬁ＂";
        string[] words = ["naïve", "Ångström", "unaffable", "x86_64", "中文分词", new string('é', WordPieceTokenizer.MaxCharsPerWord + 1), new string('a', WordPieceTokenizer.MaxCharsPerWord) + "é"];
        for (var sample = 0; sample < 600; sample++)
        {
            var text = RandomText(random, alphabet, words);

            Assert.Equal(General(text), Tokenizer.Encode(text, 4096).Ids);
            Assert.Equal(General(text).Length - 2, Tokenizer.CountTokens(text));
        }
    }

    private static string RandomText(Random random, string alphabet, string[] words)
    {
        var text = new System.Text.StringBuilder();
        for (var part = random.Next(1, 12); part > 0; part--)
        {
            if (random.Next(3) == 0)
            {
                text.Append(words[random.Next(words.Length)]);
            }
            else
            {
                for (var n = random.Next(1, 9); n > 0; n--)
                {
                    text.Append(alphabet[random.Next(alphabet.Length)]);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>[CLS], the general pipeline's pieces of the whole text, [SEP].</summary>
    private static int[] General(string text)
    {
        var ids = new List<int> { Tokenizer.ClsId };
        Tokenizer.AppendGeneral(text, ids);
        ids.Add(Tokenizer.SepId);
        return [.. ids];
    }

    [Theory]
    [MemberData(nameof(Fixture))]
    public void Counting_gives_the_encoded_length_without_cls_and_sep(string text, int[] expected)
    {
        Assert.Equal(expected.Length - 2, Tokenizer.CountTokens(text));
    }

    [Theory]
    [MemberData(nameof(Fixture))]
    public void Words_are_found_in_the_original_text_and_their_counts_add_up(string text, int[] expected)
    {
        var words = new List<WordSpan>();
        Tokenizer.FindWords(text, 0, text.Length, words);

        Assert.Equal(expected.Length - 2, words.Sum(w => w.Tokens));
        var covered = new bool[text.Length];
        var previousEnd = 0;
        foreach (var word in words)
        {
            Assert.True(word.Start >= previousEnd, $"word at {word.Start} overlaps the one before");
            Assert.True(word.Length > 0);
            Assert.Equal(Tokenizer.CountTokens(text.AsSpan(word.Start, word.Length)), word.Tokens);
            Array.Fill(covered, true, word.Start, word.Length);
            previousEnd = word.End;
        }

        // Outside the words there is only what the tokenizer drops or splits on.
        for (var i = 0; i < text.Length; i++)
        {
            Assert.True(covered[i] || Tokenizer.CountTokens(text.AsSpan(i, 1)) == 0, $"character {i} (U+{(int)text[i]:X4}) is in no word");
        }
    }

    [Fact]
    public void Words_of_a_stretch_count_like_the_stretch_when_cut_between_words()
    {
        // The chunker cuts between words and relies on the counts adding up: check it on every cut of mixed text.
        var text = "Chunking 日本語の文章です。 naïve x86_64-linux, \"quoted\" (parens) e-mail: a@b.c!\n\n## Heading\tend\u2028line\u0007bell";
        var words = new List<WordSpan>();
        Tokenizer.FindWords(text, 0, text.Length, words);

        for (var from = 0; from < words.Count; from++)
        {
            for (var to = from + 1; to <= words.Count; to++)
            {
                var stretch = text.AsSpan(words[from].Start, words[to - 1].End - words[from].Start);
                Assert.Equal(Tokenizer.CountTokens(stretch), words.Skip(from).Take(to - from).Sum(w => w.Tokens));
            }
        }
    }

    [Fact]
    public void Words_can_be_found_in_part_of_a_text()
    {
        const string text = "skip this, find these words";
        var words = new List<WordSpan>();

        Tokenizer.FindWords(text, 11, text.Length, words);

        Assert.Equal(["find", "these", "words"], words.Select(w => text.Substring(w.Start, w.Length)));
    }

    [Fact]
    public void A_huge_word_is_one_word_of_one_unknown_token()
    {
        var text = "before " + new string('x', 50_000) + " after";
        var words = new List<WordSpan>();

        Tokenizer.FindWords(text, 0, text.Length, words);

        Assert.Equal([(0, 1), (7, 1), (50_008, 1)], words.Select(w => (w.Start, w.Tokens)));
        Assert.Equal(50_000, words[1].Length);
    }

    [Fact]
    public void Counting_ascii_text_allocates_nothing()
    {
        // Ingest counts every word and every chunk of every document: the ASCII path must not allocate per call,
        // however long the text (here ~2,000 characters, with a word of 300).
        var text = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog, twice: unaffable x86_64!", 30)) + new string('w', 300);
        Tokenizer.CountTokens(text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 1000; i++)
        {
            total += Tokenizer.CountTokens(text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1000 * (Tokenizer.Encode(text, 512).FullLength - 2), total);
    }
}
