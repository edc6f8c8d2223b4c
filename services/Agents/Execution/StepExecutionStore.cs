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

    /// <summary>
    /// Claims the attempt; false when another delivery claimed it first. Joins the flow's transaction when one is open
    /// (the consumer commits the claim with the step's decisions, before it calls the tool).
    /// </summary>
    public async Task<bool> TryClaimAsync(Guid runId, int stepIndex, int attempt, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await lease.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_step_executions (run_id, step_index, attempt, status, created_at, updated_at)
            VALUES (@RunId, @Index, @Attempt, @Status, @Now, @Now) ON CONFLICT DO NOTHING
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = Started, Now = now },
            lease.Transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Keeps the tool's result (committed at once, before anything else can fail).</summary>
    public async Task SaveResultAsync(Guid runId, int stepIndex, int attempt, string result, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE agent_step_executions SET status = @Status, result = @Result, updated_at = @Now
            WHERE run_id = @RunId AND step_index = @Index AND attempt = @Attempt
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = Executed, Result = result, Now = clock.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks the attempt reported with its report, within the transaction that records the step and writes the report
    /// to the outbox; inserts the row for an attempt that ends without a claim (denied, awaiting approval, interrupted).
    /// </summary>
    public Task FinishAsync(DbConnection connection, DbTransaction transaction, Guid runId, int stepIndex, int attempt, string report,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_step_executions (run_id, step_index, attempt, status, result, created_at, updated_at)
            VALUES (@RunId, @Index, @Attempt, @Status, @Result, @Now, @Now)
            ON CONFLICT (run_id, step_index, attempt) DO UPDATE SET status = excluded.status, result = excluded.result, updated_at = excluded.updated_at
            """,
            new { RunId = runId.ToString(), Index = stepIndex, Attempt = attempt, Status = Finished, Result = report, Now = now },
            transaction, cancellationToken: cancellationToken));
    }

#pragma warning disable IDE1006, SA1300
    private sealed class Row
    {
        public string status { get; set; } = "";
        public string? result { get; set; }
    }
#pragma warning restore IDE1006, SA1300
}
