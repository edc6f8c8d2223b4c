namespace Platform.ConfigurationReference;

/// <summary>
/// One configuration setting as the code reads it. <see cref="Key"/> uses ':' separators and may hold
/// placeholders in angle brackets (<c>Inference:Upstream:Routes:&lt;route&gt;:BaseUrl</c>), each
/// standing for one key segment chosen by the operator.
/// </summary>
public sealed record Setting(
    string Key,
    string EnvironmentVariable,
    string Type,
    string Default,
    string Description,
    IReadOnlyList<string> ReadBy,
    SettingOrigin Origin)
{
    /// <summary>Whether <paramref name="key"/> (':' separators, any case, as configuration compares) is this setting.</summary>
    public bool Matches(string key)
    {
        var mine = Key.Split(':');
        var theirs = key.Split(':');
        if (mine.Length != theirs.Length)
        {
            return false;
        }

        for (var i = 0; i < mine.Length; i++)
        {
            var placeholder = mine[i].StartsWith('<') && mine[i].EndsWith('>');
            if (placeholder ? theirs[i].Length == 0 : !string.Equals(mine[i], theirs[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
