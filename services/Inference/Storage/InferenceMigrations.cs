using Platform.Storage;

namespace Platform.Inference.Storage;

/// <summary>Inference's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class InferenceMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
