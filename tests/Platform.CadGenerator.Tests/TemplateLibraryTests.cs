using System.Text.RegularExpressions;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

public sealed partial class TemplateLibraryTests
{
    public static TheoryData<string> TemplateIds => [.. TemplateLibrary.Default.Templates.Select(t => t.Id)];

    [Fact]
    public void Library_has_the_first_templates()
    {
        var ids = TemplateLibrary.Default.Templates.Select(t => t.Id).ToList();
        Assert.Subset(ids.ToHashSet(), new HashSet<string> { "l_bracket", "standoff", "plate_with_holes", "enclosure_box" });
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void Parameters_are_well_formed(string templateId)
    {
        var template = TemplateLibrary.Default.Find(templateId)!;
        Assert.False(string.IsNullOrWhiteSpace(template.Description));
        foreach (var parameter in template.Parameters)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", parameter.Name);
            Assert.True(parameter.Min <= parameter.Default && parameter.Default <= parameter.Max, $"{parameter.Name}: default outside its range");
            Assert.False(string.IsNullOrWhiteSpace(parameter.Description));
            if (parameter.Unit == ParameterUnit.Count)
            {
                Assert.Equal(Math.Floor(parameter.Default), parameter.Default);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void Sources_read_nothing_from_outside_and_never_assign_a_parameter(string templateId)
    {
        var template = TemplateLibrary.Default.Find(templateId)!;
        Assert.DoesNotMatch(FileAccess(), template.ScadBody);
        foreach (var parameter in template.Parameters)
        {
            Assert.Contains(parameter.Name, template.ScadBody, StringComparison.Ordinal);
            // OpenSCAD keeps the last assignment of a variable for the whole file: a second one would override the caller.
            Assert.DoesNotMatch(new Regex($@"(^|[;{{}}\s]){parameter.Name}\s*=[^=]", RegexOptions.Multiline), template.ScadBody);
        }
    }

    [GeneratedRegex(@"\b(include|use)\s*<|\b(import|surface)\s*\(", RegexOptions.Multiline)]
    private static partial Regex FileAccess();
}
