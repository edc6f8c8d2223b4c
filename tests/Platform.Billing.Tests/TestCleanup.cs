using Npgsql;
using Platform.Testing;

namespace Platform.Billing.Tests;

/// <summary>Cleanup that must not fail a test whose assertions already passed.</summary>
public static class TestCleanup
{
    /// <summary>
    /// Drops the test databases. DROP DATABASE ... WITH (FORCE) is refused while a backend this role
    /// may not terminate (an autovacuum worker, after a heavy test) is connected; it is retried, and
    /// a database still left behind is only a leftover, not a failure.
    /// </summary>
    public static async Task DropAsync(PostgresDatabases databases)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await databases.DisposeAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 5)
            {
                await Task.Delay(500 * attempt);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                Console.Error.WriteLine($"Left test databases '{databases.Prefix}*' behind: {exception.MessageText}");
                return;
            }
        }
    }
}
