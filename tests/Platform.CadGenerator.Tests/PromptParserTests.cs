using Platform.CadGenerator.Design;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

public sealed class PromptParserTests
{
    private static readonly PromptParser Parser = new(TemplateLibrary.Default);

    public static TheoryData<string, string> TemplateChoices => new()
    {
        { "an L bracket 40x40x20 mm", "l_bracket" },
        { "Corner brace for a shelf", "l_bracket" },
        { "M3 standoff 10 mm tall", "standoff" },
        { "a nylon spacer, 5mm long", "standoff" },
        { "mounting plate 80 x 50 x 3 mm with four 4 mm holes", "plate_with_holes" },
        { "electronics enclosure 60x40x25", "enclosure_box" },
        { "Project box with lid", "enclosure_box" },
        { "spur gear, 20 teeth, module 2", "spur_gear" },
        { "a cog with 30 teeth", "spur_gear" },
        { "coat hook", "hook" },
        { "pipe clamp for a 25 mm pipe", "pipe_clamp" },
        { "phone stand", "device_stand" },
        { "tablet holder for my kitchen", "device_stand" },
    };

    [Theory]
    [MemberData(nameof(TemplateChoices))]
    public void The_template_is_chosen_by_keywords(string prompt, string templateId)
    {
        var design = Parser.Parse(prompt);
        Assert.Equal(templateId, design.Template?.Id);
    }

    [Theory]
    [InlineData("a plate 40x20x3 mm", 40, 20, 3)]
    [InlineData("a plate 40 x 20 x 3mm", 40, 20, 3)]
    [InlineData("a plate 40×20×3 mm", 40, 20, 3)]
    [InlineData("a plate 4 x 2 x 0.3 cm", 40, 20, 3)]
    [InlineData("a plate 40 by 20 by 3 millimetres", 40, 20, 3)]
    [InlineData("a plate 4 in x 2 in x 0.125 in", 101.6, 50.8, 3.175)]
    [InlineData("a plate 100 x 60 mm, 5 mm thick", 100, 60, 5)]
    [InlineData("a plate 100 x 60 mm with a thickness of 2.5 mm", 100, 60, 2.5)]
    public void Dimension_groups_and_units_become_millimetres(string prompt, double length, double width, double thickness)
    {
        var design = Parser.Parse(prompt);

        Assert.True(design.Succeeded, string.Join("; ", design.Errors.Select(e => e.Key + ": " + e.Value)));
        var values = design.Parameters!.ToDictionary();
        Assert.Equal(length, values["length"], 3);
        Assert.Equal(width, values["width"], 3);
        Assert.Equal(thickness, values["thickness"], 3);
    }

    [Theory]
    [InlineData("plate 80x50x3 with four 4 mm holes", 4, 2, 2)]
    [InlineData("plate 80x50x3 with two 5mm holes", 5, 2, 1)]
    [InlineData("plate 80x50x3 with six holes of 3 mm", 3, 3, 2)]
    [InlineData("plate 80x50x3 with 4 M3 holes", 3.2, 2, 2)]
    [InlineData("plate 80x50x3 with a single 8 mm hole", 8, 1, 1)]
    public void Holes_are_counted_in_words_or_digits_and_sized(string prompt, double diameter, double holesX, double holesY)
    {
        var design = Parser.Parse(prompt);

        Assert.True(design.Succeeded, string.Join("; ", design.Errors.Select(e => e.Key + ": " + e.Value)));
        var values = design.Parameters!.ToDictionary();
        Assert.Equal(diameter, values["hole_diameter"], 3);
        Assert.Equal(holesX, values["holes_x"]);
        Assert.Equal(holesY, values["holes_y"]);
    }

    [Fact]
    public void A_standoff_reads_screw_size_height_and_diameter()
    {
        var values = Resolve("M3 standoff, 12 mm tall, 7 mm diameter");
        Assert.Equal(3.2, values["hole_diameter"], 3);
        Assert.Equal(12, values["height"]);
        Assert.Equal(7, values["outer_diameter"]);

        var spacer = Resolve("a 2 cm spacer for M4 screws");
        Assert.Equal(20, spacer["height"]);
        Assert.Equal(4.2, spacer["hole_diameter"], 3);
    }

    [Fact]
    public void A_gear_reads_teeth_module_angle_and_bore()
    {
        var values = Resolve("spur gear with 32 teeth, module 1.5, 14.5° pressure angle, 8 mm bore, 10 mm thick");
        Assert.Equal(32, values["teeth"]);
        Assert.Equal(1.5, values["gear_module"]);
        Assert.Equal(14.5, values["pressure_angle"]);
        Assert.Equal(8, values["bore_diameter"]);
        Assert.Equal(10, values["thickness"]);
    }

    [Fact]
    public void Brackets_boxes_hooks_clamps_and_stands_read_their_sizes()
    {
        var bracket = Resolve("L bracket 50x40x25 mm, 3 mm thick, two M4 holes");
        Assert.Equal((50.0, 40.0, 25.0, 3.0, 4.2, 1.0),
            (bracket["leg_a"], bracket["leg_b"], bracket["width"], bracket["thickness"], bracket["hole_diameter"], bracket["holes_per_leg"]));

        var box = Resolve("enclosure 80x50x30 mm with 2.5 mm walls");
        Assert.Equal((80.0, 50.0, 30.0, 2.5), (box["inner_length"], box["inner_width"], box["inner_height"], box["wall"]));

        var hook = Resolve("a towel hook 25 mm wide reaching 50 mm, 80 mm tall");
        Assert.Equal((25.0, 80.0), (hook["width"], hook["height"]));

        var clamp = Resolve("pipe clamp for a 1 in pipe, 20 mm wide");
        Assert.Equal(25.4, clamp["pipe_diameter"], 3);
        Assert.Equal(20, clamp["width"]);

        var stand = Resolve("tablet stand 150 mm wide for a 10 mm thick tablet, leaning 25 degrees");
        Assert.Equal((150.0, 10.0, 25.0), (stand["width"], stand["device_thickness"], stand["angle"]));
    }

    [Fact]
    public void Out_of_range_values_are_refused_with_what_was_read()
    {
        var design = Parser.Parse("a plate 2 m x 50 mm x 3 mm");

        Assert.False(design.Succeeded);
        Assert.Contains("2000 (read from the prompt) must be between 5 and 300 mm", design.Errors["length"], StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_rules_are_refused()
    {
        var design = Parser.Parse("standoff 5 mm diameter for M5 screws");

        Assert.False(design.Succeeded);
        Assert.Contains("hole_diameter", design.Errors.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("make me something nice")]
    public void Prompts_without_a_part_are_refused_with_the_choices(string prompt)
    {
        var design = Parser.Parse(prompt);

        Assert.False(design.Succeeded);
        Assert.Null(design.Template);
        Assert.True(design.Errors.ContainsKey("prompt"));
    }

    [Fact]
    public void A_prompt_with_no_dimensions_takes_the_defaults()
    {
        var design = Parser.Parse("gear");
        Assert.True(design.Succeeded);
        Assert.Equal(design.Template!.Parameters.Select(p => p.Default), design.Parameters!.Values.Select(v => v.Value));
    }

    [Fact]
    public void Values_that_fit_nothing_are_noted_not_guessed()
    {
        var design = Parser.Parse("phone stand with 3 holes");
        Assert.True(design.Succeeded);
        Assert.Contains(design.Notes, n => n.Contains("does not apply", StringComparison.Ordinal));
    }

    private static IReadOnlyDictionary<string, double> Resolve(string prompt)
    {
        var design = Parser.Parse(prompt);
        Assert.True(design.Succeeded, prompt + ": " + string.Join("; ", design.Errors.Select(e => e.Key + ": " + e.Value)));
        return design.Parameters!.ToDictionary();
    }
}
