namespace Platform.Storage;

/// <summary>Which database engine a service stores its state in.</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file under the data directory: standalone mode, nothing to install.</summary>
    Sqlite,

    /// <summary>PostgreSQL: distributed and cluster modes.</summary>
    Postgres,
}
