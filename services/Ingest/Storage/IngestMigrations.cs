using Platform.Storage;

namespace Platform.Ingest.Storage;

/// <summary>Ingest's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class IngestMigrations
{
    public static readonly IReadOnlyList<Migration> All = [];
}
