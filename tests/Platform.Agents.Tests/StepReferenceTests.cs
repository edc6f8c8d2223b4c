using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Agents.Runs;

namespace Platform.Agents.Tests;

public sealed class StepReferenceTests
{
    private static readonly Dictionary<string, JsonNode?> Outputs = new()
    {
        ["search"] = JsonNode.Parse("""{"chunks":[{"text":"first","score":0.9},{"text":"second","score":0.5}],"empty":null}"""),
        ["count"] = JsonNode.Parse("3"),
    };

    [Theory]
    [InlineData("steps.search.output.chunks[0].text", "\"first\"")]
    [InlineData("steps.search.output.chunks[1]", """{"text":"second","score":0.5}""")]
    [InlineData("steps.count.output", "3")]
    [InlineData("goal", "\"the goal\"")]
    public void References_resolve_to_the_named_part_of_an_earlier_output(string reference, string expected)
    {
        using var arguments = JsonDocument.Parse($$$"""{"value": {"$ref": "{{{reference}}}"}, "kept": [1, {"x": true}]}""");

        var resolved = ArgumentResolver.Resolve(arguments.RootElement, "the goal", Outputs, out var error);

        Assert.Null(error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), resolved!["value"]));
        Assert.Equal("""[1,{"x":true}]""", resolved["kept"]!.ToJsonString());
    }

    [Theory]
    [InlineData("steps.search.output.chunks[5].text", "has 2 items")]
    [InlineData("steps.search.output.missing", "no property 'missing'")]
    [InlineData("steps.search.output.empty", "is null")]
    [InlineData("steps.search.output.chunks.text", "is an array, not an object")]
    [InlineData("steps.later.output", "has no output")]
    public void A_reference_to_something_that_is_not_there_is_an_error_not_a_null(string reference, string words)
    {
        using var arguments = JsonDocument.Parse($$$"""{"value": {"$ref": "{{{reference}}}"}}""");

        var resolved = ArgumentResolver.Resolve(arguments.RootElement, "g", Outputs, out var error);

        Assert.Null(resolved);
        Assert.Contains(words, error);
        Assert.Contains(reference, error);
    }

    [Theory]
    [InlineData("steps.output.output")]
    [InlineData("steps.a-b_c.output[12].x.y")]
    public void Step_ids_and_paths_parse(string text) => Assert.NotNull(StepReference.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("steps..output")]
    [InlineData("steps.a.outputs")]
    [InlineData("steps.a.output.")]
    [InlineData("steps.a.output[-1]")]
    [InlineData("steps.a.output[1")]
    [InlineData("steps.a b.output")]
    [InlineData("output.steps.a")]
    public void Malformed_references_are_refused_with_a_reason(string text)
    {
        Assert.Null(StepReference.TryParse(text, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void An_object_with_more_than_ref_is_data_not_a_reference()
    {
        using var value = JsonDocument.Parse("""{"$ref": "goal", "other": 1}""");
        Assert.False(StepReference.IsReference(value.RootElement));
        Assert.Empty(StepReference.FindAll(value.RootElement, "arguments"));
    }
}
