using System.Collections;
using System.Globalization;
using System.Reflection;

namespace Platform.ConfigurationReference;

/// <summary>
/// Turns an options class bound from a configuration section into its settings, the way
/// Microsoft.Extensions.Configuration's binder sees it: public settable properties; nested classes
/// recurse; dictionaries take any key (a placeholder segment); arrays and lists take indexes.
/// Defaults are read from a freshly constructed instance, so they are the code's own.
/// </summary>
public sealed class OptionsWalker(SourceFiles sources)
{
    // Placeholder names for dictionary keys whose property name does not say what the key is.
    private static readonly Dictionary<string, string> PlaceholderOverrides = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Standalone:Ports"] = "service",
        ["Billing:Prices:Models"] = "model",
    };

    public IEnumerable<Setting> Walk(string section, Type type, IReadOnlyList<string> readBy) =>
        Walk(section, type, Activator.CreateInstance(type), readBy);

    private IEnumerable<Setting> Walk(string prefix, Type type, object? instance, IReadOnlyList<string> readBy)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var settable = property.SetMethod is { IsPublic: true };
            var propertyType = property.PropertyType;
            var value = instance is null ? null : property.GetValue(instance);
            var description = sources.PropertySummary(type, property.Name);
            if (description.Length == 0)
            {
                description = SupplementaryDescriptions.For(key) ?? sources.TypeSummary(type);
            }

            if (IsLeaf(propertyType))
            {
                if (settable)
                {
                    yield return Leaf(key, propertyType, Format(value), description, readBy);
                }

                continue;
            }

            if (DictionaryValueType(propertyType) is { } valueType)
            {
                var placeholder = $"<{Placeholder(key, property.Name)}>";
                if (IsLeaf(valueType))
                {
                    var defaults = value is IDictionary map && map.Count > 0
                        ? string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}={Format(map[k])}"))
                        : "";
                    yield return Leaf($"{key}:{placeholder}", valueType, defaults, description, readBy);
                }
                else
                {
                    foreach (var nested in Walk($"{key}:{placeholder}", valueType, Activator.CreateInstance(valueType), readBy))
                    {
                        yield return nested;
                    }
                }

                continue;
            }

            if (ElementType(propertyType) is { } elementType)
            {
                if (IsLeaf(elementType))
                {
                    var defaults = value is IEnumerable items ? string.Join(", ", items.Cast<object?>().Select(Format)) : "";
                    yield return Leaf($"{key}:<n>", elementType, defaults, description, readBy) with
                    {
                        Type = $"list of {TypeName(elementType)}",
                    };
                }
                else
                {
                    foreach (var nested in Walk($"{key}:<n>", elementType, Activator.CreateInstance(elementType), readBy))
                    {
                        yield return nested;
                    }
                }

                continue;
            }

            if (propertyType.IsClass && propertyType.GetConstructor(Type.EmptyTypes) is not null)
            {
                foreach (var nested in Walk(key, propertyType, value ?? Activator.CreateInstance(propertyType), readBy))
                {
                    yield return nested;
                }
            }
        }
    }

    private static Setting Leaf(string key, Type type, string defaultValue, string description, IReadOnlyList<string> readBy) =>
        new(key, key.Replace(":", "__", StringComparison.Ordinal), TypeName(type), defaultValue, description, readBy, SettingOrigin.Options);

    private static string Placeholder(string key, string propertyName)
    {
        if (PlaceholderOverrides.TryGetValue(key, out var name))
        {
            return name;
        }

        var lower = propertyName.ToLowerInvariant();
        return lower.EndsWith('s') ? lower[..^1] : lower;
    }

    public static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) ||
               t == typeof(DateTimeOffset) || t == typeof(Uri) || t == typeof(Guid);
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary is not null && dictionary.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition &&
               (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) ||
                definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>))
            ? type.GetGenericArguments()[0]
            : null;
    }

    public static string TypeName(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t));
        }

        return t switch
        {
            _ when t == typeof(string) => "string",
            _ when t == typeof(bool) => "bool",
            _ when t == typeof(int) => "int",
            _ when t == typeof(long) => "long",
            _ when t == typeof(ushort) => "ushort",
            _ when t == typeof(double) => "double",
            _ when t == typeof(TimeSpan) => "TimeSpan (`hh:mm:ss`)",
            _ => t.Name,
        };
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        _ => value.ToString() ?? "",
    };
}
