using System.Text;
using System.Text.Json;
using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Policies;

namespace Platform.SafetyGuard.Tests;

public sealed class ActionGuardTests
{
    private static readonly ActionPolicy Policy = PolicyParser.Parse("""
        id: tools
        actions:
          maxCost: 1000
          risk: {low: allow, medium: require_approval, high: deny}
          tools:
            http.fetch:
              risk: low
              maxCost: 100
              arguments:
                url: {type: url, required: true, domains: [example.com, "*.example.org"]}
                retries: {type: number, min: 0, max: 3}
            files.read:
              risk: medium
              arguments:
                path: {type: path, required: true, under: [/data/shared]}
                mode: {type: string, values: [text, binary]}
            shell.exec:
              risk: high
        """).Policy!.Actions;

    private static ActionVerdict Check(string tool, string arguments, long? cost = null) =>
        ActionGuard.Check(new ToolCall(tool, JsonDocument.Parse(arguments).RootElement.Clone(), cost), Policy);

    [Fact]
    public void An_allowed_call_within_its_constraints_passes()
    {
        var verdict = Check("http.fetch", """{"url": "https://api.example.org/v1/items", "retries": 2}""", 50);
        Assert.Equal(DecisionOutcome.Allow, verdict.Outcome);
        Assert.Empty(verdict.RuleIds);
        Assert.Equal(RiskLevel.Low, verdict.Risk);
    }

    [Fact]
    public void Unknown_tools_are_denied_with_their_own_rule()
    {
        var verdict = Check("rm.everything", "{}");
        Assert.Equal(DecisionOutcome.Deny, verdict.Outcome);
        Assert.Equal([ActionRuleIds.UnknownTool], verdict.RuleIds);
        Assert.Null(verdict.Risk);
    }

    [Theory]
    [InlineData("""{"url": "https://evil.com/x"}""", ActionRuleIds.UrlDomain)]
    [InlineData("""{"url": "https://example.org/x"}""", ActionRuleIds.UrlDomain)]
    [InlineData("""{"url": "https://example.com.evil.com/"}""", ActionRuleIds.UrlDomain)]
    [InlineData("""{"url": "https://user:pw@example.com/"}""", ActionRuleIds.UrlDomain)]
    [InlineData("""{"url": "https://ex\u0430mple.com/"}""", ActionRuleIds.UrlDomain)]
    [InlineData("""{"url": "http://example.com/"}""", ActionRuleIds.ArgumentType)]
    [InlineData("""{"url": "file:///etc/passwd"}""", ActionRuleIds.ArgumentType)]
    [InlineData("""{"url": 42}""", ActionRuleIds.ArgumentType)]
    [InlineData("""{}""", ActionRuleIds.ArgumentRequired)]
    [InlineData("""{"url": "https://example.com/", "retries": 7}""", ActionRuleIds.Range)]
    [InlineData("""{"url": "https://example.com/", "retries": "3"}""", ActionRuleIds.ArgumentType)]
    public void Argument_violations_deny(string arguments, string ruleId)
    {
        var verdict = Check("http.fetch", arguments);
        Assert.Equal(DecisionOutcome.Deny, verdict.Outcome);
        Assert.Contains(ruleId, verdict.RuleIds);
    }

    [Theory]
    [InlineData("/data/shared/report.txt", true)]
    [InlineData("/data/shared", true)]
    [InlineData("/data/shared/../../etc/passwd", false)]
    [InlineData("/data/sharedother/x", false)]
    [InlineData("relative/path", false)]
    [InlineData("/data/shared/..\\..\\etc", false)]
    public void Paths_are_resolved_before_they_are_judged(string path, bool allowed)
    {
        var verdict = Check("files.read", JsonSerializer.Serialize(new { path }));
        Assert.Equal(allowed ? DecisionOutcome.RequireApproval : DecisionOutcome.Deny, verdict.Outcome);
        Assert.Contains(allowed ? ActionRuleIds.Risk(RiskLevel.Medium) : ActionRuleIds.Path, verdict.RuleIds);
    }

    [Fact]
    public void Risk_levels_map_to_outcomes()
    {
        Assert.Equal(DecisionOutcome.Deny, Check("shell.exec", "{}").Outcome);
        Assert.Equal([ActionRuleIds.Risk(RiskLevel.High)], Check("shell.exec", "{}").RuleIds);
        Assert.Equal(DecisionOutcome.RequireApproval, Check("files.read", """{"path": "/data/shared/a", "mode": "text"}""").Outcome);
        Assert.Contains(ActionRuleIds.AllowedValues, Check("files.read", """{"path": "/data/shared/a", "mode": "exec"}""").RuleIds);
    }

    [Theory]
    [InlineData(101L)]
    [InlineData(1001L)]
    public void Costs_above_a_ceiling_deny(long cost)
    {
        var verdict = Check("http.fetch", """{"url": "https://example.com/"}""", cost);
        Assert.Equal(DecisionOutcome.Deny, verdict.Outcome);
        Assert.Equal([ActionRuleIds.MaxCost], verdict.RuleIds);
    }

    [Fact]
    public void Deeply_nested_arguments_do_not_crash_the_guard()
    {
        var nested = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            nested.Append("{\"a\":");
        }

        nested.Append('1').Append('}', 60);
        var arguments = $$"""{"url": "https://example.com/", "extra": {{nested}}}""";
        var document = JsonDocument.Parse(arguments, new JsonDocumentOptions { MaxDepth = 128 });
        var verdict = ActionGuard.Check(new ToolCall("http.fetch", document.RootElement, null), Policy);
        Assert.Equal(DecisionOutcome.Allow, verdict.Outcome);

        var nestedUrl = ActionGuard.Check(new ToolCall("http.fetch", JsonDocument.Parse($$"""{"url": {{nested}}}""", new JsonDocumentOptions { MaxDepth = 128 }).RootElement, null), Policy);
        Assert.Equal(DecisionOutcome.Deny, nestedUrl.Outcome);
        Assert.Contains(ActionRuleIds.ArgumentType, nestedUrl.RuleIds);
    }

    [Fact]
    public void Arguments_that_are_not_an_object_deny()
    {
        var verdict = Check("http.fetch", "[1, 2]");
        Assert.Equal(DecisionOutcome.Deny, verdict.Outcome);
        Assert.Contains(ActionRuleIds.ArgumentType, verdict.RuleIds);
        Assert.Equal(DecisionOutcome.Deny, ActionGuard.Check(new ToolCall("http.fetch", default, null), Policy).Outcome);
    }
}
