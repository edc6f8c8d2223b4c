using Npgsql;
using Platform.Benchmarks.Framework;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>
/// PostgreSQL's own durable-commit rate, in the database the ledger uses: single-row INSERTs in
/// autocommit mode (each its own transaction and WAL flush). One transfer per commit can never
/// beat this; the ledger's group commit is how it does.
/// </summary>
public static class SingleRowCommitBaseline
{
    public static async Task<LatencyStats> MeasureAsync(
        string connectionString, int connections, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS bench_single_row_commits (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, created_at BIGINT NOT NULL)",
                setup);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var callers = new List<Operation>();
        var opened = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                opened.Add(connection);
                var insert = new NpgsqlCommand("INSERT INTO bench_single_row_commits (payload, created_at) VALUES (@payload, @at)", connection);
                var payload = insert.Parameters.Add("payload", NpgsqlTypes.NpgsqlDbType.Text);
                var at = insert.Parameters.Add("at", NpgsqlTypes.NpgsqlDbType.Bigint);
                await insert.PrepareAsync(cancellationToken);
                callers.Add(async ct =>
                {
                    payload.Value = "reserve|1000|300";
                    at.Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    await insert.ExecuteNonQueryAsync(ct);
                });
            }

            return await LoadRunner.ConcurrentAsync(callers, warmUp, duration, cancellationToken);
        }
        finally
        {
            foreach (var connection in opened)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
