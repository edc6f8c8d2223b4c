using System.Data.Common;
using Dapper;
using Platform.Storage;

namespace Platform.Agents.Execution;

/// <summary>
/// agent_step_executions: one row per tool call attempt (run, step, attempt). The row is claimed and committed
/// before the tool is called (<c>started</c>), the tool's result is committed as soon as it is known
/// (<c>executed</c>), and the outcome with its cost when the step is reported (<c>finished</c>). A redelivered
/// command reads the row instead of calling the tool again: finished -> the stored report; executed -> meter and
/// report the stored result; started -> the process stopped during the call, which is reported, never repeated.
/// </summary>
public sealed class StepExecutionStore([FromKeyedServices(AgentsModule.Name)] Database database, TimeProvider clock)
{
    public const string Started = "started";
    public const string Executed = "executed";
    public const string Finished = "finished";

    public async Task<(string Status, string? Result)?> GetAsync(Guid runId, int stepIndex, int attempt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT status, result FROM agent_step_executions WHERE run_id = @RunId AND step_index = @Index AND attempt = @Attempt",
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt }, cancellationToken: cancellationToken));
        return row is null ? null : (row.status, row.result);
    }

    /// <summary>Claims the attempt (committed at once); false when another delivery claimed it first.</summary>
    public async Task<bool> TryClaimAsync(Guid runId, int stepIndex, int attempt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_step_executions (run_id, step_index, attempt, status, created_at, updated_at)
            VALUES (@RunId, @Index, @Attempt, @Status, @Now, @Now) ON CONFLICT DO NOTHING
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = Started, Now = now },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Keeps the tool's result (committed at once, before anything else can fail).</summary>
    public async Task SaveResultAsync(Guid runId, int stepIndex, int attempt, string result, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await UpdateAsync(connection, null, runId, stepIndex, attempt, Executed, result, cancellationToken);
    }

    /// <summary>Marks the attempt reported, within the transaction that records the step and writes the report to the outbox.</summary>
    public Task FinishAsync(DbConnection connection, DbTransaction transaction, Guid runId, int stepIndex, int attempt, string report,
        CancellationToken cancellationToken) =>
        UpdateAsync(connection, transaction, runId, stepIndex, attempt, Finished, report, cancellationToken);

    /// <summary>Records an attempt that ends without calling the tool (e.g. the process stopped during the call) as finished.</summary>
    public async Task InsertFinishedAsync(DbConnection connection, DbTransaction transaction, Guid runId, int stepIndex, int attempt, string report,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_step_executions (run_id, step_index, attempt, status, result, created_at, updated_at)
            VALUES (@RunId, @Index, @Attempt, @Status, @Result, @Now, @Now) ON CONFLICT DO NOTHING
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = Finished, Result = report, Now = now },
            transaction, cancellationToken: cancellationToken));
    }

    private Task UpdateAsync(DbConnection connection, DbTransaction? transaction, Guid runId, int stepIndex, int attempt, string status, string result,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE agent_step_executions SET status = @Status, result = @Result, updated_at = @Now
            WHERE run_id = @RunId AND step_index = @Index AND attempt = @Attempt
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = status, Result = result, Now = clock.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));

#pragma warning disable IDE1006, SA1300
    private sealed class Row
    {
        public string status { get; set; } = "";
        public string? result { get; set; }
    }
#pragma warning restore IDE1006, SA1300
}
