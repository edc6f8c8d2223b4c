namespace Platform.Storage;

/// <summary>
/// One schema step. Most SQL is written once for both engines; where they differ a step gives
/// the PostgreSQL text separately.
/// </summary>
public sealed record Migration(int Version, string Name, string Sql, string? PostgresSql = null)
{
    public string SqlFor(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres && PostgresSql is not null ? PostgresSql : Sql;
}
