using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>
/// A file path argument that must stay under one of <see cref="Under"/> (absolute, '/'-separated
/// prefixes). The path is resolved lexically first ("." and ".." segments, repeated slashes), so
/// "/data/shared/../../etc/passwd" is judged as "/etc/passwd"; backslashes and NUL are refused.
/// </summary>
public sealed record PathConstraint(bool Required, IReadOnlyList<string> Under) : ArgumentConstraint(Required)
{
    public override ActionViolation? Check(string argument, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Violation(ActionRuleIds.ArgumentType, argument, "must be a path string");
        }

        var path = value.GetString()!;
        if (path.Length == 0 || path[0] != '/' || path.Contains('\\') || path.Contains('\0'))
        {
            return Violation(ActionRuleIds.Path, argument, "must be an absolute '/'-separated path");
        }

        var resolved = Resolve(path);
        foreach (var prefix in Under)
        {
            if (resolved == prefix || resolved.StartsWith(prefix == "/" ? "/" : prefix + "/", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return Violation(ActionRuleIds.Path, argument, $"'{resolved}' is outside the allowed directories");
    }

    public static string Resolve(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }
}
