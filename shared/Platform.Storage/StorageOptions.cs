namespace Platform.Storage;

/// <summary>
/// Bound from the <c>Storage</c> configuration section (environment: <c>Storage__Provider</c>, ...).
/// Every service gets its own database; only the engine and where it lives are shared settings.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder for SQLite files (and other local state) in standalone mode.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// PostgreSQL server connection string without a database; each service adds
    /// <c>Database=platform_{service}</c>. A <c>ConnectionStrings__{Service}</c> setting overrides it whole.
    /// </summary>
    public string Postgres { get; set; } = "Host=127.0.0.1;Port=5432;Username=platform;Password=platform";

    /// <summary>Prefix of each service's PostgreSQL database name (tests use a unique one per run).</summary>
    public string DatabasePrefix { get; set; } = "platform_";

    /// <summary>
    /// Most PostgreSQL connections one service holds open (its pool). PostgreSQL's default max_connections is 100 and
    /// the seven services share it: with Npgsql's own default of 100 per service, a burst (100 agent runs at once) took
    /// every slot and the next connection failed; with a bounded pool a burst waits for a free connection instead.
    /// A <c>Maximum Pool Size</c> in a whole connection string (<c>ConnectionStrings__{Service}</c>) wins.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;
}
