using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Retrieval.Index.Hnsw;
using Platform.Retrieval.Storage;
using Platform.Storage;

namespace Platform.Retrieval.Tests;

/// <summary>Retrieval's database in a fresh temporary SQLite file (migrated), and a folder for index files.</summary>
public sealed class IndexHarness : IAsyncDisposable
{
    private IndexHarness(string directory, Database database)
    {
        Directory = directory;
        Database = database;
        Store = new ExactVectorIndex(database, TimeProvider.System);
    }

    public string Directory { get; }

    public Database Database { get; }

    public ExactVectorIndex Store { get; }

    public string IndexDirectory => Path.Combine(Directory, "retrieval");

    public static async Task<IndexHarness> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "retrieval-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "retrieval.db"), Pooling = false, DefaultTimeout = 30 };
        var database = new Database(RetrievalModule.Name, DatabaseProvider.Sqlite, connection.ConnectionString);
        await new DatabaseMigrator(database, RetrievalMigrations.All, NullLogger.Instance).MigrateAsync(CancellationToken.None);
        return new IndexHarness(directory, database);
    }

    /// <summary>A new HNSW backend over the same database and index folder (as after a restart).</summary>
    public HnswVectorIndex Hnsw(HnswOptions? options = null) =>
        new(Store, options ?? new HnswOptions(), IndexDirectory, NullLogger<HnswVectorIndex>.Instance);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }
}
