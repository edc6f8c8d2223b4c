using System.Text.Json;
using Platform.Inference.Tokenizers.WordPiece;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

public sealed class WordPieceTokenizerTests
{
    private static readonly WordPieceTokenizer Tokenizer = WordPieceTokenizer.Load(Path.Combine(DefaultModel.Folder, "vocab.txt"), lowercase: true);

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
    public void The_ascii_path_gives_the_ids_of_the_unicode_path()
    {
        // Pure ASCII text takes an allocation-free path; appending a separate non-ASCII word sends the
        // same text through the general (Unicode) path, whose ids must start with the ASCII path's.
        var random = new Random(20261122);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n\r!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u0001\u001f\u007f";
        var words = new[] { "running", "unaffable", "PostgreSQL", "x86_64", "e-mail", "don't", "libxml2-dev", new string('z', WordPieceTokenizer.MaxCharsPerWord + 3) };
        for (var sample = 0; sample < 400; sample++)
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

            var ascii = Tokenizer.Encode(text.ToString(), 512).Ids;
            var unicode = Tokenizer.Encode(text + " \u00e9", 512).Ids;
            var accent = Tokenizer.Encode("\u00e9", 512).Ids;
            Assert.Equal([.. ascii[..^1], .. accent[1..]], unicode);
        }
    }
}
