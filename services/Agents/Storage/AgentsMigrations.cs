using Platform.Storage;

namespace Platform.Agents.Storage;

/// <summary>Agents's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class AgentsMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
