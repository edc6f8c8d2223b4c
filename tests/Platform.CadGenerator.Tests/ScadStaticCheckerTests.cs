using Platform.CadGenerator.Design;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

public sealed class ScadStaticCheckerTests
{
    [Theory]
    [InlineData("import(\"/etc/passwd\");", "file-access")]
    [InlineData("include </etc/passwd>", "file-access")]
    [InlineData("use <../../secrets.scad>\ncube(1);", "file-access")]
    [InlineData("surface(file = \"/dev/zero\");", "file-access")]
    [InlineData("IMPORT = 1; x = import;", "file-access")]
    [InlineData("text(\"../../etc/shadow\");", "file-path")]
    [InlineData("echo(\"C:\\\\Windows\");", "file-path")]
    [InlineData("$fn = 1e6; sphere(10);", "resolution")]
    [InlineData("sphere(10, $fn = 100000);", "resolution")]
    [InlineData("cylinder(h = 1, r = 1, $fn = n * 1000);", "resolution")]
    [InlineData("$fa = 0.001; sphere(5);", "resolution")]
    [InlineData("$fs = 0.0001; sphere(5);", "resolution")]
    [InlineData("for (i = [0 : 1000000]) cube(i);", "loop-size")]
    [InlineData("for (i = [0 : 0.0001 : 10]) cube(i);", "loop-size")]
    [InlineData("x = [for (i = [1:0:5]) i];", "loop-size")]
    [InlineData("function f(n) = n <= 0 ? 0 : 1 + f(n - 1);\necho(f(1e9));", "recursion")]
    [InlineData("module m(d) { cube(d); m(d + 1); }\nm(1);", "recursion")]
    public void Hostile_programs_are_refused_with_the_rule(string scad, string rule)
    {
        var issues = ScadStaticChecker.Check(scad);
        Assert.Contains(issues, i => i.Rule == rule);
    }

    [Fact]
    public void Comments_and_string_contents_do_not_hide_or_fake_code()
    {
        Assert.Empty(ScadStaticChecker.Check("// import(\"/etc/passwd\")\n/* include <x> */\necho(\"use the gear\");\ncube(5);"));
        var hidden = ScadStaticChecker.Check("echo(\"ok\"); /* */ import(\"x.stl\");");
        Assert.Contains(hidden, i => i.Rule == "file-access" && i.Line == 1);
    }

    [Fact]
    public void Line_numbers_point_at_the_problem()
    {
        var issues = ScadStaticChecker.Check("cube(1);\n/* two\nlines */\nsphere(2, $fn = 5000);");
        Assert.Equal(4, Assert.Single(issues).Line);
    }

    [Fact]
    public void Oversized_programs_are_refused()
    {
        Assert.Contains(ScadStaticChecker.Check(new string(' ', ScadStaticChecker.MaxLength + 1)), i => i.Rule == "too-large");
    }

    public static TheoryData<string> TemplateIds => [.. TemplateLibrary.Default.Templates.Select(t => t.Id)];

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void The_library_templates_pass_the_check(string templateId)
    {
        var template = TemplateLibrary.Default.Find(templateId)!;
        var resolved = ParameterResolver.Resolve(template, new Dictionary<string, double>(), "", (f, m) => Assert.Fail(f + m));
        Assert.Empty(ScadStaticChecker.Check(ScadWriter.Write(resolved!)));
    }
}
