using System.Text.Json;
using Platform.Agents.Tools;

namespace Platform.Agents.Tests;

public sealed class ArgumentsValidatorTests
{
    private static List<string> Errors(string schema, string value, bool skipReferences = false)
    {
        using var s = JsonDocument.Parse(schema);
        using var v = JsonDocument.Parse(value);
        var errors = new List<string>();
        ArgumentsValidator.Validate(s.RootElement, v.RootElement, "args", skipReferences, (f, m) => errors.Add($"{f}: {m}"));
        return errors;
    }

    [Fact]
    public void The_built_in_schemas_accept_good_arguments_and_name_each_bad_one()
    {
        var search = BuiltInTools.Find("retrieval.search")!.ArgumentsSchema.GetRawText();
        Assert.Empty(Errors(search, """{"query": "bolts", "topK": 3}"""));
        Assert.Equal(
            ["args.query: is required", "args.topK: must be at most 100", "args.other: is not an argument of this tool"],
            Errors(search, """{"topK": 101, "other": 1}"""));
        Assert.Equal(["args.topK: must be an integer"], Errors(search, """{"query": "q", "topK": 2.5}"""));
        Assert.Empty(Errors(search, """{"query": "q", "topK": 2.0}"""));

        var cad = BuiltInTools.Find("cad.generate")!.ArgumentsSchema.GetRawText();
        Assert.Empty(Errors(cad, """{"template": "bracket", "parameters": {"width": 20}}"""));
        Assert.Single(Errors(cad, """{"parameters": {"width": 20}}"""));
        Assert.Equal(["args.parameters.width: must be a number"], Errors(cad, """{"template": "t", "parameters": {"width": "wide"}}"""));
    }

    [Fact]
    public void Keywords_for_strings_numbers_arrays_and_enums_are_enforced()
    {
        const string schema = """
            {"type": "object", "properties": {
              "name": {"type": "string", "minLength": 2, "maxLength": 3},
              "n": {"type": ["integer", "null"], "exclusiveMinimum": 0},
              "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2},
              "mode": {"const": "fast"}}}
            """;
        Assert.Empty(Errors(schema, """{"name": "ab", "n": null, "tags": ["a"], "mode": "fast"}"""));
        Assert.Equal(
            ["args.name: must be at least 2 characters", "args.n: must be above 0", "args.tags: must have at most 2 items",
             "args.tags[2]: must be one of [\"a\", \"b\"]", "args.mode: must be \"fast\""],
            Errors(schema, """{"name": "x", "n": 0, "tags": ["a", "b", "c"], "mode": "slow"}"""));
    }

    [Fact]
    public void References_pass_before_the_run_and_are_checked_once_resolved()
    {
        var search = BuiltInTools.Find("retrieval.search")!.ArgumentsSchema.GetRawText();
        const string planned = """{"query": {"$ref": "steps.a.output.text"}}""";
        Assert.Empty(Errors(search, planned, skipReferences: true));
        Assert.Equal(["args.query: must be a string"], Errors(search, planned, skipReferences: false));
    }
}
