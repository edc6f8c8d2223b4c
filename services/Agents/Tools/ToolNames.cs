using System.Text.RegularExpressions;

namespace Platform.Agents.Tools;

/// <summary>
/// Tool names: lowercase identifiers joined by dots (<c>crm.lookup_customer</c>). They appear in
/// plans, LLM tool calls and policies, so they stay plain and unambiguous.
/// </summary>
public static partial class ToolNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string name) => name.Length <= MaxLength && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
