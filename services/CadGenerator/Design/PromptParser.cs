using System.Globalization;
using System.Text.RegularExpressions;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Design;

/// <summary>
/// Reads a plain-English request for a part deterministically, offline: picks the template by
/// keywords, reads dimensions ("40x20x3 mm", "2 cm", "1.5 in", "M3 holes", "two 4 mm holes",
/// "3 mm thick", "20 teeth"), converts them to millimetres and checks them against the template's
/// ranges and rules, with errors that quote what was read.
/// </summary>
public sealed partial class PromptParser(TemplateLibrary library)
{
    public const int MaxPromptLength = 2000;

    // Keywords in priority order: the more specific words first ("standoff" before "stand", "pipe clamp" before "plate").
    private static readonly (string TemplateId, Regex Keywords)[] TemplateKeywords =
    [
        ("spur_gear", new(@"\b(gears?|cogs?|cogwheels?|sprockets?|pinions?)\b")),
        ("standoff", new(@"\b(standoffs?|stand-offs?|spacers?|bushings?)\b")),
        ("pipe_clamp", new(@"\b(clamps?|pipe clips?|saddles?|tube clips?)\b")),
        ("hook", new(@"\b(hooks?|hangers?)\b")),
        ("device_stand", new(@"\b(stands?|docks?|easels?)\b|\b(phone|tablet|ipad) holder\b")),
        ("enclosure_box", new(@"\b(enclosures?|boxe?s?|housings?|cases?|containers?)\b")),
        ("l_bracket", new(@"\b(brackets?|angles?|corner braces?)\b")),
        ("plate_with_holes", new(@"\b(plates?|panels?|sheets?|mounting plates?|base ?plates?)\b")),
    ];

    // Which parameters an "A x B (x C)" group fills, per template.
    private static readonly Dictionary<string, string[]> DimensionOrder = new()
    {
        ["l_bracket"] = ["leg_a", "leg_b", "width"],
        ["plate_with_holes"] = ["length", "width", "thickness"],
        ["enclosure_box"] = ["inner_length", "inner_width", "inner_height"],
        ["standoff"] = ["outer_diameter", "height"],
        ["hook"] = ["width", "depth", "height"],
        ["pipe_clamp"] = ["pipe_diameter", "width"],
        ["device_stand"] = ["width", "back_length"],
        ["spur_gear"] = [],
    };

    // A lone length with no word saying what it measures goes to the template's main size.
    private static readonly Dictionary<string, string> MainSize = new()
    {
        ["standoff"] = "height",
        ["pipe_clamp"] = "pipe_diameter",
        ["hook"] = "depth",
        ["device_stand"] = "device_thickness",
        ["spur_gear"] = "thickness",
        ["l_bracket"] = "width",
        ["plate_with_holes"] = "thickness",
        ["enclosure_box"] = "inner_height",
    };

    // What a word next to a length says it measures, per template (first match wins).
    private static readonly (Regex Word, Dictionary<string, string> Parameter)[] Measures =
    [
        // "a 10 mm thick phone": the device's thickness, not the stand's.
        (new(@"^(thick|deep) (phones?|tablets?|devices?|ipads?)\b"), new() { ["device_stand"] = "device_thickness" }),
        (new(@"^(holes?|bores?|screw holes?|drill(ed)? holes?)\b|hole diameter|bore"), new()
        {
            ["l_bracket"] = "hole_diameter", ["plate_with_holes"] = "hole_diameter", ["standoff"] = "hole_diameter",
            ["spur_gear"] = "bore_diameter", ["hook"] = "hole_diameter", ["pipe_clamp"] = "hole_diameter",
        }),
        (new(@"^(thick|thickness)\b|thickness|^walls?\b|wall"), new()
        {
            ["l_bracket"] = "thickness", ["plate_with_holes"] = "thickness", ["enclosure_box"] = "wall", ["spur_gear"] = "thickness",
            ["hook"] = "thickness", ["pipe_clamp"] = "wall", ["device_stand"] = "thickness",
        }),
        (new(@"^(tall|high)\b|height"), new()
        {
            ["standoff"] = "height", ["enclosure_box"] = "inner_height", ["hook"] = "height", ["device_stand"] = "back_length",
            ["l_bracket"] = "leg_b",
        }),
        (new(@"^(wide)\b|width"), new()
        {
            ["l_bracket"] = "width", ["plate_with_holes"] = "width", ["enclosure_box"] = "inner_width", ["hook"] = "width",
            ["pipe_clamp"] = "width", ["device_stand"] = "width",
        }),
        (new(@"^(long)\b|length"), new()
        {
            ["plate_with_holes"] = "length", ["enclosure_box"] = "inner_length", ["l_bracket"] = "leg_a", ["standoff"] = "height",
            ["device_stand"] = "back_length",
        }),
        (new(@"^(deep|reach)\b|depth|reach"), new() { ["hook"] = "depth", ["enclosure_box"] = "inner_height" }),
        (new(@"^(pipes?|tubes?|rods?)\b|pipe|tube|rod"), new() { ["pipe_clamp"] = "pipe_diameter" }),
        (new(@"^(phones?|tablets?|devices?|ipads?)\b|phone|tablet|device"), new() { ["device_stand"] = "device_thickness" }),
        (new(@"^(lip)\b|lip"), new() { ["hook"] = "lip_height", ["device_stand"] = "lip_height", ["enclosure_box"] = "lip_height" }),
        (new(@"^(flanges?)\b|flange"), new() { ["pipe_clamp"] = "flange_length" }),
        (new(@"^(margin)\b|margin"), new() { ["plate_with_holes"] = "margin" }),
        (new(@"^(corner radius|radius|rounded)\b|corner radius|radius"), new() { ["plate_with_holes"] = "corner_radius" }),
        (new(@"^(chamfer)\b|chamfer"), new() { ["standoff"] = "chamfer" }),
        (new(@"^(module)\b|module"), new() { ["spur_gear"] = "gear_module" }),
        (new(@"^(diameter|across|outer diameter|od)\b|outer diameter|diameter|\bod\b"), new()
        {
            ["standoff"] = "outer_diameter", ["pipe_clamp"] = "pipe_diameter",
        }),
    ];

    private static readonly Dictionary<string, double> NumberWords = new()
    {
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["single"] = 1, ["two"] = 2, ["a pair of"] = 2, ["pair of"] = 2, ["twin"] = 2,
        ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["eleven"] = 11, ["twelve"] = 12, ["a dozen"] = 12, ["dozen"] = 12, ["fifteen"] = 15, ["sixteen"] = 16, ["twenty"] = 20,
        ["twenty-four"] = 24, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["no"] = 0, ["zero"] = 0,
    };

    public PromptDesign Parse(string prompt)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new List<string>();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(prompt) || prompt.Length > MaxPromptLength)
        {
            errors["prompt"] = $"must be 1 to {MaxPromptLength} characters describing the part";
            return new PromptDesign(null, values, null, notes, errors);
        }

        var text = Normalise(prompt);
        var template = ChooseTemplate(text);
        if (template is null)
        {
            errors["prompt"] = "names no part the library can make; say which: " +
                string.Join(", ", ["bracket", "standoff/spacer", "plate", "box/enclosure", "gear", "hook", "pipe clamp", "phone/tablet stand"]);
            return new PromptDesign(null, values, null, notes, errors);
        }

        void Set(string parameter, double value, string source)
        {
            if (template.FindParameter(parameter) is null)
            {
                notes.Add($"'{source}' does not apply to a {template.Name}; ignored");
                return;
            }

            if (values.TryGetValue(parameter, out var previous) && previous != value)
            {
                notes.Add($"'{source}' replaces the earlier {parameter} of {ParameterResolver.Format(previous)}");
            }

            values[parameter] = Math.Round(value, 4);
        }

        // Counts first ("two 4 mm holes", "M3 holes", "20 teeth"), removed so their numbers are not read as lengths too.
        text = ReadCounts(text, template, Set);

        // "40x20x3 mm": each number takes its own unit or the group's last one.
        var order = DimensionOrder.GetValueOrDefault(template.Id, []);
        text = DimensionGroup().Replace(text, match =>
        {
            var numbers = match.Groups["n"].Captures.Select(c => c.Value).ToList();
            var units = match.Groups["u"].Captures.Select(c => c.Value).ToList();
            var groupUnit = units.LastOrDefault(u => u.Length > 0) ?? "mm";
            for (var i = 0; i < numbers.Count; i++)
            {
                if (i >= order.Length)
                {
                    notes.Add($"'{match.Value.Trim()}': a {template.Name} takes at most {order.Length} dimensions in a group; the rest were ignored");
                    break;
                }

                var unit = i < units.Count && units[i].Length > 0 ? units[i] : groupUnit;
                Set(order[i], ToMm(Number(numbers[i]), unit), match.Value.Trim());
            }

            return " ; ";
        });

        // Angles ("20 degrees", "14.5°").
        text = AngleValue().Replace(text, match =>
        {
            var parameter = template.Parameters.FirstOrDefault(p => p.Unit == ParameterUnit.Deg);
            if (parameter is null)
            {
                notes.Add($"'{match.Value.Trim()}': a {template.Name} has no angle; ignored");
            }
            else
            {
                Set(parameter.Name, Number(match.Groups["n"].Value), match.Value.Trim());
            }

            return " ; ";
        });

        // Lengths with a unit, placed by the words after ("3 mm thick") or before ("thickness of 3 mm") them.
        foreach (Match match in LengthValue().Matches(text))
        {
            var value = ToMm(Number(match.Groups["n"].Value), match.Groups["unit"].Value);
            var after = text[(match.Index + match.Length)..].TrimStart();
            var before = text[..match.Index];
            var clause = before[(before.LastIndexOfAny([',', ';', '.']) + 1)..];
            var parameter = Place(template.Id, after, wordAfter: true) ?? Place(template.Id, LastWords(clause, 4), wordAfter: false);
            if (parameter is null && MainSize.TryGetValue(template.Id, out var main) && !values.ContainsKey(main))
            {
                parameter = main;
            }

            if (parameter is null)
            {
                notes.Add($"could not tell what '{match.Value.Trim()}' measures; ignored");
                continue;
            }

            Set(parameter, value, match.Value.Trim());
        }

        var resolved = ParameterResolver.Resolve(template, values, "", (field, message) =>
            errors[field] = values.TryGetValue(field, out var v)
                ? $"{ParameterResolver.Format(v)} (read from the prompt) {message}"
                : message);
        return new PromptDesign(template, values, errors.Count == 0 ? resolved : null, notes, errors);
    }

    private CadTemplate? ChooseTemplate(string text)
    {
        foreach (var (id, keywords) in TemplateKeywords)
        {
            if (keywords.IsMatch(text) && library.Find(id) is { } template)
            {
                return template;
            }
        }

        return null;
    }

    private static string ReadCounts(string text, CadTemplate template, Action<string, double, string> set)
    {
        // "M3 holes" / "for M4 screws": metric screw clearance (nominal + 0.2 mm, as the standoff's 3.2 for M3).
        text = MetricScrew().Replace(text, match =>
        {
            var diameter = Number(match.Groups["m"].Value) + 0.2;
            var parameter = template.Id == "spur_gear" ? "bore_diameter" : "hole_diameter";
            set(parameter, diameter, match.Value.Trim());
            if (match.Groups["count"].Success)
            {
                SetHoleCount(template, CountOf(match.Groups["count"].Value), match.Value.Trim(), set);
            }

            return " ; ";
        });

        // "two 4 mm holes", "4 holes of 5 mm", "3 holes".
        text = CountedHoles().Replace(text, match =>
        {
            if (match.Groups["n"].Success)
            {
                set(template.Id == "spur_gear" ? "bore_diameter" : "hole_diameter",
                    ToMm(Number(match.Groups["n"].Value), match.Groups["unit"].Value), match.Value.Trim());
            }

            SetHoleCount(template, CountOf(match.Groups["count"].Value), match.Value.Trim(), set);
            return " ; ";
        });

        text = Teeth().Replace(text, match =>
        {
            set("teeth", CountOf(match.Groups["count"].Value), match.Value.Trim());
            return " ; ";
        });

        return ModuleValue().Replace(text, match =>
        {
            set("gear_module", Number(match.Groups["n"].Value), match.Value.Trim());
            return " ; ";
        });
    }

    private static void SetHoleCount(CadTemplate template, double count, string source, Action<string, double, string> set)
    {
        switch (template.Id)
        {
            case "l_bracket":
                // Holes in total, shared by the two legs.
                set("holes_per_leg", Math.Ceiling(count / 2), source);
                break;
            case "plate_with_holes":
                // A grid as square as the count allows, the longer side along the length.
                var rows = Enumerable.Range(1, (int)Math.Max(1, count)).Last(r => r * r <= count && count % r == 0);
                set("holes_x", count / rows, source);
                set("holes_y", rows, source);
                break;
            case "hook":
                set("holes", count, source);
                break;
            default:
                if (count > 1)
                {
                    set("holes", count, source); // reported as not applying to this template
                }

                break;
        }
    }

    private static string? Place(string templateId, string words, bool wordAfter)
    {
        foreach (var (word, parameters) in Measures)
        {
            var match = word.Match(words);
            // After the value only a word right next to it counts ("3 mm thick"); before it, any of the last few ("thickness of 3 mm").
            if (match.Success && (!wordAfter || match.Index == 0) && parameters.TryGetValue(templateId, out var parameter))
            {
                return parameter;
            }
        }

        return null;
    }

    private static string LastWords(string text, int count)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Skip(Math.Max(0, words.Length - count)));
    }

    private static string Normalise(string prompt)
    {
        var text = prompt.Normalize(System.Text.NormalizationForm.FormKC).ToLowerInvariant()
            .Replace('×', 'x').Replace('”', '"').Replace('″', '"').Replace("millimetres", "mm").Replace("millimeters", "mm")
            .Replace("millimetre", "mm").Replace("millimeter", "mm").Replace("centimetres", "cm").Replace("centimeters", "cm")
            .Replace("centimetre", "cm").Replace("centimeter", "cm").Replace("inches", "in").Replace("inch", "in");
        text = ByBetweenNumbers().Replace(text, "${a} x ${b}");
        return WhiteSpace().Replace(text, " ");
    }

    private static double CountOf(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : NumberWords[text.Trim()];

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double ToMm(double value, string unit) => unit.Trim() switch
    {
        "cm" => value * 10,
        "in" or "\"" => value * 25.4,
        "m" => value * 1000,
        _ => value,
    };

    private const string Num = @"\d+(?:\.\d+)?";
    private const string Unit = @"(?:mm|cm|in\b|""|m\b)";
    private const string CountWord = @"\d+|a pair of|pair of|a dozen|dozen|twenty-four|one|single|two|twin|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|twenty|thirty|forty|fifty|sixty|no|zero|an?";

    [GeneratedRegex(@"(?<a>\d)\s*by\s*(?<b>\d)")]
    private static partial Regex ByBetweenNumbers();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex($@"(?<![\w.])(?<n>{Num})\s*(?<u>{Unit}|)\s*x\s*(?<n>{Num})\s*(?<u>{Unit}|)(?:\s*x\s*(?<n>{Num})\s*(?<u>{Unit}|))?")]
    private static partial Regex DimensionGroup();

    [GeneratedRegex($@"(?<![\w.])(?<n>{Num})\s*(?:°|deg\b|degrees?\b)")]
    private static partial Regex AngleValue();

    [GeneratedRegex($@"(?<![\w.])(?<n>{Num})\s*(?<unit>{Unit})")]
    private static partial Regex LengthValue();

    [GeneratedRegex($@"(?:\b(?<count>{CountWord})\s+)?\bm(?<m>\d+(?:\.\d+)?)\b(?:\s*(?:screw|bolt|clearance)?\s*holes?|\s*(?:screws?|bolts?))?")]
    private static partial Regex MetricScrew();

    [GeneratedRegex($@"\b(?<count>{CountWord})\s+(?:(?<n>{Num})\s*(?<unit>{Unit})\s+)?(?:(?:screw|mounting|through|drill(?:ed)?|bolt)\s+)?holes?\b(?:\s+of\s+(?<n>{Num})\s*(?<unit>{Unit}))?")]
    private static partial Regex CountedHoles();

    [GeneratedRegex($@"\b(?<count>{CountWord})\s+(?:-\s*)?teeth\b|\b(?<count>\d+)\s*-\s*tooth\b")]
    private static partial Regex Teeth();

    [GeneratedRegex($@"\bmodule\s*(?:of\s*)?(?<n>{Num})|\bm\s*=\s*(?<n>{Num})|(?<n>{Num})\s*module\b")]
    private static partial Regex ModuleValue();
}
