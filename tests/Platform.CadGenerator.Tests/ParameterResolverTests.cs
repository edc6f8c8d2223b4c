using System.Globalization;
using System.Text.Json;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

public sealed class ParameterResolverTests
{
    private static readonly CadTemplate Plate = TemplateLibrary.Default.Find("plate_with_holes")!;

    [Fact]
    public void Missing_parameters_take_their_defaults()
    {
        var errors = new Dictionary<string, string>();
        var resolved = ParameterResolver.Resolve(Plate, Json("""{"length": 100}"""), "parameters.", (f, m) => errors[f] = m);

        Assert.Empty(errors);
        var values = resolved!.ToDictionary();
        Assert.Equal(100, values["length"]);
        Assert.Equal(50, values["width"]);
        Assert.Equal(Plate.Parameters.Select(p => p.Name), resolved.Values.Select(v => v.Key));
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var errors = new Dictionary<string, string>();
        var resolved = ParameterResolver.Resolve(Plate,
            Json("""{"length": 1000, "width": "wide", "holes_x": 2.5, "colour": 3, "thickness": null}"""),
            "parameters.", (f, m) => errors[f] = m);

        Assert.Null(resolved);
        Assert.Equal(
            new[] { "parameters.colour", "parameters.holes_x", "parameters.length", "parameters.thickness", "parameters.width" },
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rules_between_parameters_are_checked()
    {
        var errors = new Dictionary<string, string>();
        var resolved = ParameterResolver.Resolve(Plate, Json("""{"length": 20, "margin": 12}"""), "", (f, m) => errors[f] = m);

        Assert.Null(resolved);
        Assert.Contains("margin", errors.Keys);
    }

    [Fact]
    public void Query_values_are_parsed_invariantly_and_given_once()
    {
        var errors = new Dictionary<string, string>();
        var resolved = ParameterResolver.Resolve(Plate,
            [new("length", ["90.5"]), new("width", ["1,5"]), new("margin", ["5", "6"]), new("thickness", ["NaN"])],
            "", (f, m) => errors[f] = m);

        Assert.Null(resolved);
        Assert.Equal(new[] { "margin", "thickness", "width" }, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scad_numbers_are_invariant_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("2,5", 2.5.ToString(CultureInfo.CurrentCulture)); // the culture really is German
            var resolved = ParameterResolver.Resolve(Plate, Json("""{"thickness": 2.5, "holes_x": 3}"""), "", (f, m) => Assert.Fail(f + " " + m));
            var scad = ScadWriter.Write(resolved!);

            Assert.Contains("\nthickness = 2.5;\n", scad, StringComparison.Ordinal);
            Assert.Contains("\nholes_x = 3; // count\n", scad, StringComparison.Ordinal);
            Assert.EndsWith(Plate.ScadBody, scad, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static Dictionary<string, JsonElement> Json(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
