using System.Text.Json;
using Platform.SafetyGuard.Classifiers;

namespace Platform.SafetyGuard.Tests;

/// <summary>
/// The C# port of llm_guardrail against the package's own scores (Fixtures/guardrail-scores.json,
/// written by Fixtures/guardrail-scores.mjs running the package in node).
/// </summary>
public sealed class GuardrailClassifierTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<int> FixtureIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < LoadFixtures().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureIndexes))]
    public void Scores_match_the_npm_package(int index)
    {
        var fixture = LoadFixtures()[index];
        var scores = PromptClassifiers.Default.Score(fixture.Prompt).ToDictionary(s => s.Name, s => s.Score);

        Assert.Equal(fixture.PromptInjection, scores[PromptClassifiers.PromptInjection], Tolerance);
        Assert.Equal(fixture.Jailbreak, scores[PromptClassifiers.Jailbreak], Tolerance);
        Assert.Equal(fixture.Malicious, scores[PromptClassifiers.Malicious], Tolerance);
    }

    [Fact]
    public void The_fixture_covers_threats_and_benign_prompts()
    {
        var fixtures = LoadFixtures();
        Assert.True(fixtures.Count >= 40);
        Assert.Contains(fixtures, f => f.PromptInjection > 0.9);
        Assert.Contains(fixtures, f => f.PromptInjection < 0.1);
        Assert.Contains(fixtures, f => f.Jailbreak > 0.5);
        Assert.Contains(fixtures, f => f.Malicious > 0.5);
    }

    [Fact]
    public void Tokens_follow_javascripts_ascii_word_runs()
    {
        var tokens = GuardrailTokens.Tokenize("İGNORE a x_y Ünïcode \u212Aelvin 42 i");
        Assert.Equal(["gnore", "x_y", "code", "kelvin", "42"], tokens.Terms());
    }

    private static IReadOnlyList<ScoreFixture> LoadFixtures()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "guardrail-scores.json"));
        var file = JsonSerializer.Deserialize<FixtureFile>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidDataException("empty fixture file");
        return file.Fixtures;
    }

    private sealed record FixtureFile(string Package, IReadOnlyList<ScoreFixture> Fixtures);

    private sealed record ScoreFixture(
        string Prompt,
        [property: System.Text.Json.Serialization.JsonPropertyName("prompt_injection")] double PromptInjection,
        double Jailbreak,
        double Malicious);
}
