using Platform.Storage;

namespace Platform.SafetyGuard.Storage;

/// <summary>SafetyGuard's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class SafetyGuardMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
