using Platform.Agents.Planning;

namespace Platform.Agents.Tests;

public sealed class PlannerAnswerTests
{
    [Theory]
    [InlineData("""{"tool_calls":[{"type":"function","function":{"name":"items.get","arguments":{"id":"1"}}}]}""")]
    [InlineData("""{"tool_calls":[{"type":"function","function":{"name":"items.get","arguments":"{\"id\":\"1\"}"}}]}""")]
    [InlineData("```json\n{\"tool_calls\":[{\"function\":{\"name\":\"items.get\",\"arguments\":{\"id\":\"1\"}}}]}\n```")]
    public void A_tool_call_is_read_in_the_openai_shape_with_arguments_as_object_or_string(string text)
    {
        var answer = PlannerAnswer.Read(text);
        Assert.Null(answer.Error);
        Assert.Equal("items.get", answer.Tool);
        Assert.Equal("1", answer.Arguments!.Value.GetProperty("id").GetString());
    }

    [Fact]
    public void A_final_answer_ends_the_run()
    {
        var answer = PlannerAnswer.Read("""{"content": "The part is ready."}""");
        Assert.Null(answer.Tool);
        Assert.Equal("The part is ready.", answer.Content);
    }

    [Theory]
    [InlineData("I think you should call items.get", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"tool_calls":[{"function":{"arguments":{}}}]}""", "no name")]
    [InlineData("""{"tool_calls":[{"function":{"name":"x","arguments":"{broken"}}]}""", "not JSON")]
    [InlineData("""{"content": ""}""", "neither")]
    public void An_unusable_answer_is_an_error_with_the_reason(string text, string words)
    {
        var answer = PlannerAnswer.Read(text);
        Assert.Null(answer.Tool);
        Assert.Contains(words, answer.Error);
    }
}
