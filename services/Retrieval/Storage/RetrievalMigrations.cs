using Platform.Storage;

namespace Platform.Retrieval.Storage;

/// <summary>Retrieval's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class RetrievalMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
