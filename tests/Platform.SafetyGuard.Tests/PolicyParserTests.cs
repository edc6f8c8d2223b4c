using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Policies;

namespace Platform.SafetyGuard.Tests;

public sealed class PolicyParserTests
{
    [Fact]
    public void The_shipped_default_policy_parses()
    {
        var policy = GuardPolicy.Default;
        Assert.Equal("default", policy.Id);
        Assert.Contains(policy.Prompt.Rules, r => r.Id == PromptPolicy.SecretsBlock && r.Action == DecisionOutcome.Deny);
        Assert.Contains(policy.Prompt.Rules, r => r.Id == "injection.block" && r.Threshold == 0.99 && r.UsesInjectionRules);
        Assert.True(policy.Prompt.UsesClassifiers);
        Assert.True(policy.Prompt.UsesInjectionRules);
        Assert.Equal(RiskLevel.Low, policy.Actions.Tools["retrieval.search"].Risk);
    }

    [Fact]
    public void A_complete_policy_compiles_every_part()
    {
        var result = PolicyParser.Parse("""
            id: strict
            prompt:
              rules:
                - id: pii.block
                  detectors: [email, phone]
                  action: deny
                - id: jb
                  detectors: [jailbreak]
                  threshold: 0.7
                  action: require_approval
            actions:
              maxCost: 5000
              risk: {low: allow, medium: require_approval, high: deny}
              tools:
                http.fetch:
                  risk: medium
                  maxCost: 100
                  arguments:
                    url: {type: url, required: true, domains: [example.com, "*.example.org"]}
                    retries: {type: number, min: 0, max: 3}
                files.read:
                  risk: low
                  arguments:
                    path: {type: path, under: [/data/shared]}
                    mode: {type: string, values: [text, binary], maxLength: 10}
            """);

        Assert.Empty(result.Errors);
        var policy = result.Policy!;
        Assert.Equal(["pii.block", "jb"], policy.Prompt.Rules.Select(r => r.Id));
        Assert.Equal(5000, policy.Actions.MaxCost);
        Assert.Equal(DecisionOutcome.RequireApproval, policy.Actions.RiskOutcomes[RiskLevel.Medium]);
        Assert.Equal(DecisionOutcome.Deny, policy.Actions.RiskOutcomes[RiskLevel.Critical]);
        var fetch = policy.Actions.Tools["http.fetch"];
        Assert.Equal(100, fetch.MaxCost);
        Assert.IsType<UrlConstraint>(fetch.Arguments["url"]);
        Assert.IsType<PathConstraint>(policy.Actions.Tools["files.read"].Arguments["path"]);
    }

    [Fact]
    public void Injection_rules_are_a_detector_that_cannot_redact()
    {
        var ok = PolicyParser.Parse("""
            id: p
            prompt:
              rules:
                - id: rules.only
                  detectors: [injection_rules]
                  action: require_approval
            """);
        Assert.Empty(ok.Errors);
        var rule = Assert.Single(ok.Policy!.Prompt.Rules);
        Assert.True(rule.UsesInjectionRules);
        Assert.False(ok.Policy.Prompt.UsesClassifiers);

        var redact = PolicyParser.Parse("""
            id: p
            prompt:
              rules:
                - id: rules.redact
                  detectors: [injection_rules]
                  action: redact
            """);
        Assert.Null(redact.Policy);
        Assert.Equal("prompt.rules[0].action", Assert.Single(redact.Errors).Field);
    }

    [Fact]
    public void Unknown_fields_are_reported_with_line_column_and_path()
    {
        var result = PolicyParser.Parse("""
            id: p
            prompt:
              rules:
                - id: r1
                  detectors: [email]
                  action: redact
                  severity: high
            """);

        Assert.Null(result.Policy);
        var error = Assert.Single(result.Errors);
        Assert.Equal(7, error.Line);
        Assert.Equal(7, error.Column);
        Assert.Equal("prompt.rules[0].severity", error.Field);
        Assert.Contains("unknown field", error.Message);
    }

    [Fact]
    public void Every_semantic_error_is_reported_at_once()
    {
        var result = PolicyParser.Parse("""
            id: p
            prompt:
              rules:
                - id: r1
                  detectors: [email, telepathy]
                  action: shout
                - id: r1
                  detectors: [prompt_injection]
                  threshold: 1.5
                  action: redact
            actions:
              tools:
                t:
                  risk: extreme
                  arguments:
                    n: {type: number, min: 5, max: 1}
                    u: {type: url, domains: ["Bad Domain"], maxLength: 3}
                    p: {type: path, under: [relative/dir]}
            """);

        Assert.Null(result.Policy);
        var fields = result.Errors.Select(e => e.Field).ToList();
        Assert.Contains("prompt.rules[0].detectors", fields);
        Assert.Contains("prompt.rules[0].action", fields);
        Assert.Contains("prompt.rules[1].id", fields);
        Assert.Contains("prompt.rules[1].threshold", fields);
        Assert.Contains("prompt.rules[1].action", fields);
        Assert.Contains("actions.tools.t.risk", fields);
        Assert.Contains("actions.tools.t.arguments.n.max", fields);
        Assert.Contains("actions.tools.t.arguments.u.domains", fields);
        Assert.Contains("actions.tools.t.arguments.u.maxLength", fields);
        Assert.Contains("actions.tools.t.arguments.p.under", fields);
        Assert.All(result.Errors, e => Assert.True(e.Line > 1));
    }

    [Theory]
    [InlineData("id: [unclosed", 1)]
    [InlineData("id: p\nprompt:\n  rules:\n    - id: r\n      detectors: [email\n      action: deny\n", 5)]
    [InlineData("id: p\nid: q\n", 1)]
    [InlineData("", 1)]
    [InlineData("- just\n- a list\n", 1)]
    [InlineData("id: p\n---\nid: q\n", 1)]
    public void Broken_yaml_is_rejected_with_a_position(string yaml, int line)
    {
        var result = PolicyParser.Parse(yaml);
        Assert.Null(result.Policy);
        var error = result.Errors[0];
        Assert.True(error.Line >= line, error.ToString());
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var result = PolicyParser.Parse("prompt:\n  rules:\n    - detectors: [email]\n");
        Assert.Null(result.Policy);
        Assert.Contains(result.Errors, e => e.Field == "id");
        Assert.Contains(result.Errors, e => e.Field == "prompt.rules[0].id");
        Assert.Contains(result.Errors, e => e.Field == "prompt.rules[0].action");
    }

    [Fact]
    public void Truncated_or_corrupted_documents_never_throw()
    {
        var yaml = GuardPolicy.DefaultYaml;
        var random = new Random(4);
        for (var cut = 0; cut < yaml.Length; cut += 5)
        {
            var truncated = PolicyParser.Parse(yaml[..cut]);
            Assert.True(truncated.Policy is not null || truncated.Errors.Count > 0);

            var corrupted = yaml.ToCharArray();
            corrupted[random.Next(corrupted.Length)] = "[]{}:-,'\"#&*!|>%@` \t\n"[random.Next(21)];
            var result = PolicyParser.Parse(new string(corrupted));
            Assert.True(result.Policy is not null || result.Errors.All(e => e.Line >= 1 && e.Column >= 1));
        }
    }
}
