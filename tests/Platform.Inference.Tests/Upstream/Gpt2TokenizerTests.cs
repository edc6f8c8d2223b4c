using System.Text.Json;
using Platform.Inference.Tokenizers.Bpe;
using Xunit;

namespace Platform.Inference.Tests.Upstream;

/// <summary>
/// The C# GPT-2 BPE against the reference: gpt2-fixture.json holds token ids that npm gpt-3-encoder@1.1.4
/// itself produced in node (make-gpt2-fixture.js): contractions, unicode scripts, emoji, whitespace
/// runs, unusual spaces, astral letters and 200 seeded random mixes.
/// </summary>
public sealed class Gpt2TokenizerTests
{
    private static readonly Lazy<Gpt2Tokenizer> Tokenizer = new(() => Gpt2Tokenizer.Load(Gpt2Tokenizer.DefaultDirectory));

    public static TheoryData<int, string, int[]> Cases()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Upstream", "gpt2-fixture.json")));
        var data = new TheoryData<int, string, int[]>();
        var index = 0;
        foreach (var item in fixture.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(index++, item.GetProperty("text").GetString()!, [.. item.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32())]);
        }

        return data;
    }

    [Fact]
    public void The_fixture_was_made_by_the_pinned_package_and_covers_the_hard_cases()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Upstream", "gpt2-fixture.json")));
        Assert.Equal("gpt-3-encoder@1.1.4", fixture.RootElement.GetProperty("package").GetString());
        var texts = fixture.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("text").GetString()!).ToList();
        Assert.True(texts.Count >= 200);
        Assert.Contains(texts, t => t.Contains("they'll", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("👨‍👩‍👧‍👦", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("   ", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("日本語", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encodes_like_the_reference(int index, string text, int[] expected)
    {
        var ids = Tokenizer.Value.Encode(text);
        Assert.True(expected.SequenceEqual(ids), $"case {index} {JsonSerializer.Serialize(text)}: expected [{string.Join(",", expected)}], got [{string.Join(",", ids)}]");
        Assert.Equal(expected.Length, Tokenizer.Value.CountTokens(text));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoding_gives_the_text_back(int index, string text, int[] expected)
    {
        // Lone surrogates cannot survive UTF-8; the fixture's random mixes have none.
        var decoded = Tokenizer.Value.Decode(expected);
        Assert.True(text == decoded, $"case {index}: {JsonSerializer.Serialize(text)} decoded as {JsonSerializer.Serialize(decoded)}");
    }

    [Fact]
    public void Known_ids_of_the_gpt2_vocabulary()
    {
        Assert.Equal(50257, Tokenizer.Value.VocabularySize);
        Assert.Equal([15496, 11, 995, 0], Tokenizer.Value.Encode("Hello, world!"));
        Assert.Empty(Tokenizer.Value.Encode(""));
    }
}
