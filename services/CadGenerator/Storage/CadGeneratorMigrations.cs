using Platform.Storage;

namespace Platform.CadGenerator.Storage;

/// <summary>CadGenerator's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class CadGeneratorMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
