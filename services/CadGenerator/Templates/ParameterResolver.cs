using System.Globalization;
using System.Text.Json;

namespace Platform.CadGenerator.Templates;

/// <summary>
/// Turns what a caller sent into a <see cref="ResolvedParameters"/>: defaults for what is missing,
/// and every problem (unknown name, not a number, out of range, not whole, broken rule) reported
/// at once, per field.
/// </summary>
public static class ParameterResolver
{
    /// <summary>Values from a JSON object (<c>{"width": 30}</c>); errors name <c>{prefix}{name}</c>.</summary>
    public static ResolvedParameters? Resolve(
        CadTemplate template, IReadOnlyDictionary<string, JsonElement>? input, string prefix, Action<string, string> error)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var valid = true;
        foreach (var (name, element) in input ?? new Dictionary<string, JsonElement>())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                error(prefix + name, "must be a finite number");
                valid = false;
                continue;
            }

            values[name] = value;
        }

        return Resolve(template, values, prefix, error, valid);
    }

    /// <summary>Values as text (a query string); each name may appear once.</summary>
    public static ResolvedParameters? Resolve(
        CadTemplate template, IEnumerable<KeyValuePair<string, string?[]>> input, string prefix, Action<string, string> error)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var valid = true;
        foreach (var (name, texts) in input)
        {
            if (texts.Length != 1)
            {
                error(prefix + name, "must be given once");
                valid = false;
                continue;
            }

            if (!double.TryParse(texts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                error(prefix + name, "must be a finite number (invariant format, e.g. 3.5)");
                valid = false;
                continue;
            }

            values[name] = value;
        }

        return Resolve(template, values, prefix, error, valid);
    }

    /// <summary>Values already read as numbers (the prompt parser's, or a stored job's).</summary>
    public static ResolvedParameters? Resolve(
        CadTemplate template, IReadOnlyDictionary<string, double> values, string prefix, Action<string, string> error) =>
        Resolve(template, values, prefix, error, valid: true);

    private static ResolvedParameters? Resolve(
        CadTemplate template, IReadOnlyDictionary<string, double> values, string prefix, Action<string, string> error, bool valid)
    {
        foreach (var name in values.Keys.Where(n => template.FindParameter(n) is null))
        {
            error(prefix + name, $"is not a parameter of template '{template.Id}'");
            valid = false;
        }

        var resolved = new List<KeyValuePair<string, double>>(template.Parameters.Count);
        foreach (var parameter in template.Parameters)
        {
            var value = values.GetValueOrDefault(parameter.Name, parameter.Default);
            if (value < parameter.Min || value > parameter.Max)
            {
                error(prefix + parameter.Name, $"must be between {Format(parameter.Min)} and {Format(parameter.Max)} {UnitText(parameter.Unit)}");
                valid = false;
            }
            else if (parameter.Unit == ParameterUnit.Count && value != Math.Floor(value))
            {
                error(prefix + parameter.Name, "must be a whole number");
                valid = false;
            }

            resolved.Add(new(parameter.Name, value));
        }

        if (!valid)
        {
            return null;
        }

        // Rules read the whole set, so they only make sense once each value is acceptable on its own.
        var set = new ResolvedParameters(template, resolved);
        var dictionary = set.ToDictionary();
        foreach (var rule in template.Rules.Where(r => !r.Holds(dictionary)))
        {
            error(prefix + rule.Field, rule.Message);
            valid = false;
        }

        return valid ? set : null;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string UnitText(ParameterUnit unit) => unit switch
    {
        ParameterUnit.Mm => "mm",
        ParameterUnit.Count => "",
        ParameterUnit.Deg => "degrees",
        _ => "",
    };
}
