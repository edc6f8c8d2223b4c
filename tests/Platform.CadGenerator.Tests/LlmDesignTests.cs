using System.Text.Json;
using Platform.Contracts.CadGenerator;
using Platform.ServiceDefaults.Errors;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Prompt jobs designed by an LLM: CadJobSaga asks the real Inference service (Generate on RabbitMQ),
/// which calls a local HTTP server standing in for the upstream LLM. Good answers render; bad or
/// hostile ones fail the job at design with the reason; an unavailable LLM leaves it to the parser.
/// </summary>
[Collection(CadPlatformCollection.Name)]
public sealed class LlmDesignTests(CadPlatform platform)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_template_the_LLM_picks_is_rendered_and_its_tokens_are_charged_with_the_render()
    {
        const string prompt = "[llm:template] an angle bracket 30 mm wide, two holes per leg";
        platform.Llm.Answer("[llm:template]", """
            Here is the design:
            ```json
            {"template": "l_bracket", "parameters": {"width": 30, "holes_per_leg": 2}}
            ```
            """);
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);

        var done = await Jobs.RunAsync(platform, key, new { prompt });

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("l_bracket", done.GetProperty("templateId").GetString());
        Assert.Equal((30.0, 2.0), (done.GetProperty("parameters").GetProperty("width").GetDouble(), done.GetProperty("parameters").GetProperty("holes_per_leg").GetDouble()));
        Assert.Contains(done.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith($"Designed by the LLM {CadPlatform.DesignerModel}", StringComparison.Ordinal));
        Assert.Equal(["guard", "reserve", "design", "render", "validate", "settle"],
            done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!).ToArray());
        Assert.Equal(30.0, Math.Round(done.GetProperty("validation").GetProperty("boundingBoxSize")[1].GetDouble(), 3));

        // What the LLM was asked: the library in the system message, the prompt untouched as the user message.
        var request = platform.Llm.Requests[prompt];
        Assert.Equal(CadPlatform.DesignerModel, request["model"]!.GetValue<string>());
        var system = request["messages"]![0]!["content"]!.GetValue<string>();
        foreach (var template in new[] { "l_bracket", "standoff", "plate_with_holes", "enclosure_box", "spur_gear", "hook", "pipe_clamp", "device_stand" })
        {
            Assert.Contains("- " + template + ":", system, StringComparison.Ordinal);
        }

        // One charge: the render time plus the designer's tokens, captured from the reservation.
        var renderMs = done.GetProperty("renderMilliseconds").GetInt64();
        var exact = renderMs * CadPlatform.RenderPricePerSecond * 1000
            + DesignerLlm.PromptTokens * CadPlatform.DesignerInputPerMillionTokens + DesignerLlm.CompletionTokens * CadPlatform.DesignerOutputPerMillionTokens;
        var charged = done.GetProperty("chargedMicroCredits").GetInt64();
        Assert.Equal((exact + 999_999) / 1_000_000, charged);
        Assert.Equal(10_000_000 - charged, await platform.AvailableAsync(accountId));
    }

    [Fact]
    public async Task A_whole_program_from_the_LLM_passes_the_static_check_renders_and_is_held_to_its_declared_size()
    {
        platform.Llm.Answer("[llm:scad]", """
            {"scad": "difference() {\n  cube([40, 20, 8]);\n  translate([20, 10, -1]) cylinder(h = 10, d = 5, $fn = 48);\n}", "size": [40, 20, 8], "parts": 1}
            """);
        var (_, key) = await platform.CreateAccountAsync(10_000_000);

        var done = await Jobs.RunAsync(platform, key, new { prompt = "[llm:scad] a 40 x 20 x 8 block with a 5 mm hole" });

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("custom", done.GetProperty("templateId").GetString());
        Assert.Equal([40.0, 20.0, 8.0], done.GetProperty("validation").GetProperty("boundingBoxSize").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 3)).ToArray());
        using var scad = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{done.GetProperty("id").GetString()}/model.scad", key), Cancel);
        Assert.Contains("cylinder(h = 10, d = 5, $fn = 48);", await scad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // A program whose mesh is not the size it declared fails validation (the LLM is held to its word).
        platform.Llm.Answer("[llm:liar]", """{"scad": "cube([10, 10, 10]);", "size": [50, 50, 50]}""");
        var liar = await Jobs.RunAsync(platform, key, new { prompt = "[llm:liar] a 50 mm cube" });
        Assert.Equal("validate", liar.GetProperty("failedStep").GetString());
        Assert.Contains("bounding-box", liar.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_programs_from_the_LLM_are_refused_at_design_with_the_rule_and_nothing_is_rendered_or_charged()
    {
        (string Marker, string Scad, string Rule)[] hostile =
        [
            ("[case 10]", "import(\"/etc/passwd\");", "file-access"),
            ("[case 11]", "include </etc/passwd>\ncube(5);", "file-access"),
            ("[case 12]", "surface(file = \"/dev/zero\");", "file-access"),
            ("[case 13]", "echo(\"../../secrets\"); cube(5);", "file-path"),
            ("[case 14]", "$fn = 1e6; sphere(10);", "resolution"),
            ("[case 15]", "for (i = [0 : 1 : 1e7]) translate([i, 0, 0]) cube(1);", "loop-size"),
            ("[case 16]", "module r(n) { cube(n); r(n + 1); }\nr(1);", "recursion"),
        ];
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        foreach (var (marker, scad, rule) in hostile)
        {
            platform.Llm.Answer(marker, JsonSerializer.Serialize(new { scad, size = new[] { 10, 10, 10 } }));
            var failed = await Jobs.RunAsync(platform, key, new { prompt = marker + " a spacer block 10 x 10 x 10 mm for a shelf" });

            Assert.True(failed.GetProperty("failedStep").GetString() == "design", failed.ToString());
            var reason = failed.GetProperty("failureReason").GetString()!;
            Assert.Contains("refused by the static check", reason, StringComparison.Ordinal);
            Assert.Contains(rule, reason, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", failed.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, failed.GetProperty("steps").EnumerateArray().Count(s => s.GetProperty("step").GetString() == "render"));

            var id = failed.GetProperty("id").GetString()!;
            using var file = await platform.Cad.Client.SendAsync(Request(HttpMethod.Get, $"/v1/cad/jobs/{id}/model.scad", key), Cancel);
            await ReadProblemAsync(file, 409, ProblemTypes.Conflict);
            Assert.False(File.Exists(Path.Combine(platform.DataDirectory, "cad", Guid.Parse(id).ToString("N"), "model.scad")));
        }

        Assert.Equal(10_000_000, await platform.AvailableAsync(accountId));
        var after = await Jobs.RunAsync(platform, key, new { template = "standoff" });
        Assert.Equal("done", after.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Answers_that_are_not_designs_fail_at_design_and_say_what_was_wrong()
    {
        (string Marker, string Answer, string Reason)[] bad =
        [
            ("[case 20]", "Sure! A bracket is a great idea. Print it in PETG.", "holds no JSON object"),
            ("[case 21]", "{\"template\": \"l_bracket\", \"parameters\": {\"width\": }", "not valid JSON"),
            ("[case 22]", "{\"template\": \"hook\", \"scad\": \"cube(1);\"}", "either \"template\" or \"scad\""),
            ("[case 23]", "{\"template\": \"teapot\"}", "is not in the library"),
            ("[case 24]", "{\"template\": \"l_bracket\", \"parameters\": {\"width\": 5000, \"colour\": 3}}", "parameters.width"),
            ("[case 25]", "{\"scad\": \"cube(10);\"}", "\"size\" must be three numbers"),
        ];
        var (accountId, key) = await platform.CreateAccountAsync(10_000_000);
        foreach (var (marker, answer, reason) in bad)
        {
            platform.Llm.Answer(marker, answer);
            var failed = await Jobs.RunAsync(platform, key, new { prompt = marker + " a spacer block 10 x 10 x 10 mm for a shelf" });

            Assert.True(failed.GetProperty("failedStep").GetString() == "design", failed.ToString());
            Assert.Contains(reason, failed.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
            Assert.Contains(failed.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Designed by the LLM", StringComparison.Ordinal));
        }

        Assert.Equal(10_000_000, await platform.AvailableAsync(accountId));
    }

    [Fact]
    public async Task When_the_LLM_is_unavailable_the_prompt_parser_designs_the_job_and_the_notes_say_why()
    {
        var (_, key) = await platform.CreateAccountAsync(10_000_000);

        // The stand-in answers 503 to prompts it has no answer for; Inference reports upstream-failed.
        var done = await Jobs.RunAsync(platform, key, new { prompt = "A mounting plate 70 x 40 x 3 mm with four M3 holes" });

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal("plate_with_holes", done.GetProperty("templateId").GetString());
        Assert.Contains(done.GetProperty("notes").EnumerateArray(),
            n => n.GetString()!.StartsWith("No LLM designed this job (Inference answered upstream-failed", StringComparison.Ordinal));
        var events = await platform.EventsOfAsync(Guid.Parse(done.GetProperty("id").GetString()!), TimeSpan.FromSeconds(15));
        Assert.IsType<CadJobCompleted>(Assert.Single(events));
    }
}
