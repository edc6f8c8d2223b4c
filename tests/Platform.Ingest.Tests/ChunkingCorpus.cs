using System.Text;

namespace Platform.Ingest.Tests;

/// <summary>
/// Documents that are hard to chunk, by name: long paragraphs, text without white space, CJK, code
/// blocks, deep headings, tiny documents, huge single words, and a mix of all. Deterministic.
/// </summary>
public static class ChunkingCorpus
{
    private static readonly string[] Vocabulary =
    [
        "retrieval", "index", "vector", "chunk", "naïve", "données", "search", "the", "a", "of", "embedding",
        "tokenizer", "PostgreSQL", "x86_64", "e-mail", "don't", "Ångström", "unaffable", "antidisestablishmentarianism",
    ];

    public static IReadOnlyList<string> Names => [.. Documents.Keys];

    public static string Get(string name) => Documents[name];

    public static (string Text, bool Markdown) GetWithFormat(string name) => (Documents[name], !name.StartsWith("plain-", StringComparison.Ordinal));

    private static readonly Dictionary<string, string> Documents = new(StringComparer.Ordinal)
    {
        ["plain-long-paragraph"] = Prose(seed: 1, words: 4000),
        ["plain-paragraphs"] = string.Join("\n\n", Enumerable.Range(0, 40).Select(i => Prose(seed: 100 + i, words: 20 + (i * 7 % 90)))),
        ["plain-no-white-space"] = NoWhiteSpace(),
        ["plain-huge-words"] = HugeWords(),
        ["plain-tiny-a"] = "a",
        ["plain-tiny-sentence"] = "Hi.",
        ["plain-tiny-punctuation"] = "?!",
        ["plain-cjk"] = Cjk(),
        ["plain-cjk-without-stops"] = string.Concat(Enumerable.Repeat("中文分词测试日本語のテキスト한국어텍스트", 120)),
        ["plain-scripts"] = Scripts(),
        ["plain-emoji-and-marks"] = string.Concat(Enumerable.Repeat("😀e\u0301 👍🏽 ❤️ a\u0308\u0301\u0302 ", 400)),
        ["markdown-code-blocks"] = CodeBlocks(),
        ["markdown-deep-headings"] = DeepHeadings(),
        ["markdown-tiny-heading"] = "# H",
        ["markdown-only-headings"] = string.Join("\n", Enumerable.Range(1, 60).Select(i => new string('#', (i % 6) + 1) + " Heading " + i)),
        ["markdown-mixed"] = Mixed(),
    };

    public static string Prose(int seed, int words)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append(Vocabulary[random.Next(Vocabulary.Length)]);
            text.Append(random.Next(12) switch
            {
                0 => ". ",
                1 => ", ",
                2 => "? ",
                _ => " ",
            });
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Runs without a single space: minified JSON, a URL list, a base64 blob, digits.</summary>
    private static string NoWhiteSpace()
    {
        var random = new Random(3);
        var json = new StringBuilder("{");
        for (var i = 0; i < 2500; i++)
        {
            json.Append("\"key").Append(i).Append("\":[").Append(random.Next(100_000)).Append(",\"").Append(Vocabulary[random.Next(Vocabulary.Length)]).Append("\"],");
        }

        json.Append('}');
        var urls = string.Concat(Enumerable.Range(0, 600).Select(i => $"https://example.org/path/{i}?q={i * 7}&x=y;"));
        var base64 = Convert.ToBase64String([.. Enumerable.Range(0, 30_000).Select(i => (byte)(i * 31 % 251))]);
        var digits = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('0' + (i * 7 % 10))));
        return json + urls + base64 + digits;
    }

    /// <summary>Single words far past the 100-character limit (one [UNK] token each), over Retrieval's 32,768 characters, and long glued words.</summary>
    private static string HugeWords()
    {
        var random = new Random(4);
        var letters = new string([.. Enumerable.Range(0, 70_000).Select(_ => (char)('a' + random.Next(26)))]);
        var ninety = new string([.. Enumerable.Range(0, 99).Select(_ => (char)('a' + random.Next(26)))]);
        var glued = string.Concat(Enumerable.Repeat("supercalifragilisticexpialidocious", 40));
        var accents = string.Concat(Enumerable.Repeat("é", 40_000));
        var surrogates = string.Concat(Enumerable.Repeat("𝐀", 20_000));
        return string.Join(' ', "Start:", letters, "then", ninety, ninety, "and", glued, accents, surrogates, "end.");
    }

    private static string Cjk()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append((i % 3) switch
            {
                0 => "日本語の文章です。",
                1 => "这是一个用于测试的中文句子！",
                _ => "向量检索需要分块吗？",
            });
        }

        return text.ToString();
    }

    private static string Scripts() => string.Join(' ', Enumerable.Range(0, 500).Select(i => (i % 5) switch
    {
        0 => "русский текст для проверки.",
        1 => "العربية نص",
        2 => "Ωμέγα ελληνικά λέξεις;",
        3 => "İstanbul ΣΊΣΥΦΟΣ façade Øresund Straße",
        _ => "ﬁnancial ligature ﬀ and full-width ＡＢＣ１２３",
    }));

    private static string CodeBlocks()
    {
        var text = new StringBuilder("# Build\n\nHow the service is built.\n\n```csharp\n");
        for (var i = 0; i < 400; i++)
        {
            text.Append("    var value").Append(i).Append(" = await client.GetFromJsonAsync<Dictionary<string, int[]>>($\"/v1/items/{id}?page=").Append(i).Append("\", cancellationToken);\n");
        }

        text.Append("```\n\n## Shell\n\n```bash\n");
        for (var i = 0; i < 200; i++)
        {
            text.Append("dotnet test tests/Platform.Ingest.Tests --filter \"FullyQualifiedName~Chunk").Append(i).Append("\" 2>&1 | tail -3 && echo ok\n");
        }

        text.Append("```\n\n    # an indented code block, not a heading\n    x = [i ** 2 for i in range(10)]\n");
        return text.ToString();
    }

    private static string DeepHeadings()
    {
        var text = new StringBuilder();
        var seed = 10;
        for (var a = 0; a < 3; a++)
        {
            text.Append("# Part ").Append(a).Append("\n\n").Append(Prose(seed++, 30)).Append("\n\n");
            for (var level = 2; level <= 6; level++)
            {
                text.Append('#', level).Append(" Level ").Append(level).Append(" of part ").Append(a).Append("\n\n");
                text.Append(Prose(seed++, 50 * level)).Append("\n\n");
            }

            text.Append("Setext ").Append(a).Append("\n--------\n\n").Append(Prose(seed++, 300)).Append("\n\n");
        }

        return text.ToString();
    }

    private static string Mixed() => string.Join("\n\n",
        "# Mixed", Prose(20, 600), "## Without spaces", NoWhiteSpace()[..5000], "## CJK", Cjk()[..900],
        "### Huge words", HugeWords()[..3000], "#### Code", CodeBlocks(), "##### Scripts", Scripts()[..4000], "###### Tiny", "a");
}
