using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Events.Catalogue;

/// <summary>The shape of a CloudEvents type of this platform: <c>platform.{service}.{resource}[.{more}].{verb}.v{N}</c>.</summary>
public static partial class EventTypes
{
    public static bool IsValid(string? type) => type is { Length: <= 128 } && Pattern().IsMatch(type);

    public static int VersionOf(string type) =>
        int.Parse(type.AsSpan(type.LastIndexOf(".v", StringComparison.Ordinal) + 2), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^platform(\.[a-z][a-z0-9]*){3,5}\.v[1-9][0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
