using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Billing.Accounts;
using Platform.Billing.Ledger;
using Platform.Billing.Storage;
using Platform.Storage;
using Platform.Testing;

namespace Platform.Billing.Tests;

public enum Engine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Billing's ledger on a real, fresh database (a temp SQLite file, or a PostgreSQL database under a
/// unique prefix that is dropped afterwards): migrated store, running batcher, sweeper, accounts.
/// </summary>
public sealed class LedgerHarness : IAsyncDisposable
{
    private readonly List<LedgerBatcher> _batchers = [];
    private readonly List<Database> _databases = [];
    private PostgresDatabases? _postgres;
    private string? _directory;

    private LedgerHarness(Engine engine, ManualClock clock)
    {
        Engine = engine;
        Clock = clock;
    }

    public Engine Engine { get; }

    public ManualClock Clock { get; }

    public Database Database { get; private set; } = null!;

    public ILedgerStore Store { get; private set; } = null!;

    public LedgerBatcher Ledger { get; private set; } = null!;

    public ExpirySweeper Sweeper { get; private set; } = null!;

    public AccountStore Accounts { get; private set; } = null!;

    public static async Task<LedgerHarness> CreateAsync(Engine engine)
    {
        var harness = new LedgerHarness(engine, new ManualClock());
        try
        {
            await harness.InitializeAsync();
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    private async Task InitializeAsync()
    {
        Database = await OpenDatabaseAsync();
        await new DatabaseMigrator(Database, BillingMigrations.All, NullLogger.Instance).MigrateAsync(CancellationToken.None);
        Store = CreateStore(Database);
        Ledger = await StartBatcherAsync(Store);
        Sweeper = new ExpirySweeper(Store, Ledger, Options, Clock, NullLogger<ExpirySweeper>.Instance);
        Accounts = new AccountStore(Database, Clock);
    }

    public static IOptions<BillingOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new BillingOptions());

    /// <summary>A second, independent writer on the same database (as a second Billing instance would be).</summary>
    public async Task<LedgerBatcher> StartSecondWriterAsync()
    {
        var database = await OpenDatabaseAsync();
        return await StartBatcherAsync(CreateStore(database));
    }

    public async Task<Guid> CreateAccountAsync(long deposit = 0)
    {
        var account = await Accounts.CreateAccountAsync("test", CancellationToken.None);
        if (deposit > 0)
        {
            var result = await Ledger.SubmitAsync(new DepositCommand(account.Id, "initial-deposit", deposit), CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Deposit failed: {result.Outcome}");
            }
        }

        return account.Id;
    }

    public async Task<LedgerBalance> BalanceAsync(Guid account) =>
        await Store.FindBalanceAsync(account, CancellationToken.None) ?? throw new InvalidOperationException("No such account.");

    public Task<LedgerResult> SubmitAsync(LedgerCommand command) => Ledger.SubmitAsync(command, CancellationToken.None);

    private async Task<Database> OpenDatabaseAsync()
    {
        Database database;
        if (Engine == Engine.Postgres)
        {
            _postgres ??= await TestServers.CreatePostgresPrefixAsync();
            database = Database.Create(
                "billing",
                new StorageOptions { Provider = DatabaseProvider.Postgres, Postgres = TestServers.Postgres, DatabasePrefix = _postgres.Prefix },
                null);
        }
        else
        {
            _directory ??= Directory.CreateTempSubdirectory("billing-tests-").FullName;
            database = Database.Create("billing", new StorageOptions { Provider = DatabaseProvider.Sqlite, DataDirectory = _directory }, null);
        }

        _databases.Add(database);
        return database;
    }

    private SqlLedgerStore CreateStore(Database database) =>
        database.IsPostgres ? new PostgresLedgerStore(database, Clock) : new SqliteLedgerStore(database, Clock);

    private async Task<LedgerBatcher> StartBatcherAsync(ILedgerStore store)
    {
        var batcher = new LedgerBatcher(store, Options, NullLogger<LedgerBatcher>.Instance);
        await batcher.StartAsync(CancellationToken.None);
        _batchers.Add(batcher);
        return batcher;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers)
        {
            await batcher.StopAsync(CancellationToken.None);
            batcher.Dispose();
        }

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await TestCleanup.DropAsync(_postgres);
        }

        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind does not affect other tests.
            }
        }
    }
}
