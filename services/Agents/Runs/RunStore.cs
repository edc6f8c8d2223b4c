using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Platform.Storage;

namespace Platform.Agents.Runs;

/// <summary>
/// The public view of runs: agent_runs, agent_steps, agent_run_events and agent_approvals. Reads for the API
/// always take the account, so one account never sees another's runs. Writes made while a run's saga or
/// step consumer handles a message join the transaction open on the database (SQLite has one writer at a time,
/// and a run's view must change exactly when its saga's state does).
/// </summary>
public sealed class RunStore([FromKeyedServices(AgentsModule.Name)] Database database, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const int SpecCacheSize = 10_000;

    private readonly ConcurrentDictionary<Guid, RunSpec> _specs = new();

    public Database Database => database;

    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Adds a queued run within <paramref name="transaction"/> (the submission's, with its RunSubmitted in the outbox).</summary>
    public Task CreateAsync(Guid runId, Guid accountId, RunSpec spec, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_runs (id, account_id, state, goal, planner, spec, budget, reserved, spent, steps_completed, created_at, updated_at)
            VALUES (@Id, @AccountId, @State, @Goal, @Planner, @Spec, @Budget, 0, 0, 0, @Now, @Now)
            """,
            new
            {
                Id = runId.ToString(), AccountId = accountId.ToString(), State = RunStates.Queued, spec.Goal, spec.Planner,
                Spec = JsonSerializer.Serialize(spec, Json), spec.Budget, Now,
            },
            transaction,
            cancellationToken: cancellationToken));

    public async Task<RunView?> GetAsync(Guid accountId, Guid runId, bool withSteps, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM agent_runs WHERE id = @Id AND account_id = @AccountId",
            new { Id = runId.ToString(), AccountId = accountId.ToString() }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        IReadOnlyList<StepView>? steps = null;
        if (withSteps)
        {
            var stepRows = await connection.QueryAsync<StepRow>(new CommandDefinition(
                $"SELECT {StepColumns} FROM agent_steps WHERE run_id = @Id ORDER BY step_index",
                new { Id = runId.ToString() }, cancellationToken: cancellationToken));
            steps = [.. stepRows.Select(s => s.ToView())];
        }

        return row.ToView(steps);
    }

    /// <summary>Newest first. <paramref name="after"/> is the <c>next</c> cursor of the previous page (created_at and id of its last run).</summary>
    public async Task<IReadOnlyList<RunView>> ListAsync(Guid accountId, int limit, (long CreatedAt, string Id)? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"""
            SELECT {RunColumns} FROM agent_runs
            WHERE account_id = @AccountId
              AND (@HasAfter = 0 OR created_at < @AfterCreated OR (created_at = @AfterCreated AND id < @AfterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """,
            new
            {
                AccountId = accountId.ToString(), HasAfter = after is null ? 0 : 1, AfterCreated = after?.CreatedAt ?? 0, AfterId = after?.Id ?? "", Limit = limit,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToView(null))];
    }

    /// <summary>The run's stored request and account, for the workers acting on it (any account).</summary>
    public async Task<StoredRun?> GetSpecAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM agent_runs WHERE id = @Id", new { Id = runId.ToString() }, transaction, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new StoredRun(Guid.Parse(row.account_id), JsonSerializer.Deserialize<RunSpec>(row.spec, Json)!, row.state, row.cancel_requested_at is not null);
    }

    /// <summary>
    /// The run's request, which never changes once stored: the saga reads it for every step, so it is parsed once per
    /// run and kept (the cache is emptied when it outgrows <see cref="SpecCacheSize"/> runs; a miss reads the row again).
    /// </summary>
    public async Task<RunSpec?> SpecAsync(Guid runId, CancellationToken cancellationToken)
    {
        if (_specs.TryGetValue(runId, out var cached))
        {
            return cached;
        }

        if (await GetSpecAsync(runId, cancellationToken) is not { } run)
        {
            return null;
        }

        if (_specs.Count >= SpecCacheSize)
        {
            _specs.Clear();
        }

        _specs[runId] = run.Spec;
        return run.Spec;
    }

    /// <summary>Sets the run's columns that are given (null leaves a column as it is), and updated_at.</summary>
    public Task UpdateRunAsync(Guid runId, RunChange change, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE agent_runs SET
                state = COALESCE(@State, state),
                reserved = COALESCE(@Reserved, reserved),
                spent = COALESCE(@Spent, spent),
                charged = COALESCE(@Charged, charged),
                reservation_id = COALESCE(@ReservationId, reservation_id),
                current_step = CASE WHEN @ClearCurrentStep = 1 THEN NULL ELSE COALESCE(@CurrentStep, current_step) END,
                steps_completed = COALESCE(@StepsCompleted, steps_completed),
                guard = COALESCE(@Guard, guard),
                failure_reason = COALESCE(@FailureReason, failure_reason),
                failure_detail = COALESCE(@FailureDetail, failure_detail),
                failed_step = COALESCE(@FailedStep, failed_step),
                settlement = COALESCE(@Settlement, settlement),
                answer = COALESCE(@Answer, answer),
                finished_at = COALESCE(@FinishedAt, finished_at),
                updated_at = @Now
            WHERE id = @Id
            """,
            new
            {
                Id = runId.ToString(), change.State, change.Reserved, change.Spent, change.Charged, change.ReservationId, change.CurrentStep,
                ClearCurrentStep = change.ClearCurrentStep ? 1 : 0, change.StepsCompleted,
                Guard = change.Guard is null ? null : JsonSerializer.Serialize(change.Guard, Json),
                change.FailureReason, change.FailureDetail, change.FailedStep, change.Settlement, change.Answer,
                FinishedAt = change.Finished ? Now : (long?)null, Now,
            },
            cancellationToken);

    /// <summary>Marks the run as asked to cancel; false when it already ended (or was asked before).</summary>
    public async Task<bool> RequestCancelAsync(Guid runId, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE agent_runs SET cancel_requested_at = @Now, updated_at = @Now
            WHERE id = @Id AND cancel_requested_at IS NULL
              AND state NOT IN ('{RunStates.Completed}', '{RunStates.Failed}', '{RunStates.BudgetExhausted}', '{RunStates.Cancelled}')
            """,
            new { Id = runId.ToString(), Now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Adds (or, for a step started again, replaces) a step row in state running.</summary>
    public Task StartStepAsync(Guid runId, int index, PlanStep step, JsonNode? input, long estimatedCost, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO agent_steps (run_id, step_index, step_id, tool, state, arguments, input, attempts, cost, estimated_cost, decisions, started_at)
            VALUES (@Id, @Index, @StepId, @Tool, @State, @Arguments, @Input, 0, 0, @Estimate, '[]', @Now)
            ON CONFLICT (run_id, step_index) DO UPDATE SET
                step_id = excluded.step_id, tool = excluded.tool, state = excluded.state, arguments = excluded.arguments,
                input = excluded.input, output = NULL, error_kind = NULL, error_detail = NULL, attempts = 0, cost = 0,
                estimated_cost = excluded.estimated_cost, decisions = '[]', started_at = excluded.started_at, finished_at = NULL, tool_ms = NULL
            """,
            new
            {
                Id = runId.ToString(), Index = index, StepId = step.Id, step.Tool, State = StepStates.Running, Arguments = step.Arguments.GetRawText(),
                Input = input?.ToJsonString(), Estimate = estimatedCost, Now,
            },
            cancellationToken);

    /// <summary>Sets the step's columns that are given, and appends <paramref name="decision"/> to its decisions.</summary>
    public Task UpdateStepAsync(Guid runId, int index, StepChange change, JsonObject? decision = null, CancellationToken cancellationToken = default) =>
        UpdateStepWithDecisionsAsync(runId, index, change, decision is null ? [] : [decision], cancellationToken);

    /// <summary>Sets the step's columns that are given, and appends <paramref name="decisions"/> (in order) to its decisions.</summary>
    public async Task UpdateStepWithDecisionsAsync(Guid runId, int index, StepChange change, IReadOnlyList<JsonObject> decisions, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        string? decisionsText = null;
        if (decisions.Count > 0)
        {
            var current = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT decisions FROM agent_steps WHERE run_id = @Id AND step_index = @Index",
                new { Id = runId.ToString(), Index = index }, transaction, cancellationToken: cancellationToken)) ?? "[]";
            var list = JsonNode.Parse(current) as JsonArray ?? [];
            foreach (var decision in decisions)
            {
                decision["at"] = DateTimeOffset.FromUnixTimeMilliseconds(Now);
                list.Add(decision);
            }

            decisionsText = list.ToJsonString();
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE agent_steps SET
                state = COALESCE(@State, state),
                output = COALESCE(@Output, output),
                error_kind = CASE WHEN @ClearError = 1 THEN NULL ELSE COALESCE(@ErrorKind, error_kind) END,
                error_detail = CASE WHEN @ClearError = 1 THEN NULL ELSE COALESCE(@ErrorDetail, error_detail) END,
                attempts = COALESCE(@Attempts, attempts),
                cost = cost + @AddCost,
                decisions = COALESCE(@Decisions, decisions),
                finished_at = COALESCE(@FinishedAt, finished_at),
                tool_ms = COALESCE(@ToolMs, tool_ms)
            WHERE run_id = @Id AND step_index = @Index
            """,
            new
            {
                Id = runId.ToString(), Index = index, change.State, Output = change.Output?.ToJsonString(), ClearError = change.ClearError ? 1 : 0,
                change.ErrorKind, change.ErrorDetail, change.Attempts, AddCost = change.AddCost, Decisions = decisionsText,
                FinishedAt = change.Finished ? Now : (long?)null, change.ToolMs,
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>The outputs of the run's succeeded steps by step id (what references resolve against).</summary>
    public async Task<Dictionary<string, JsonNode?>> OutputsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        var rows = await connection.QueryAsync<StepRow>(new CommandDefinition(
            $"SELECT {StepColumns} FROM agent_steps WHERE run_id = @Id AND state = '{StepStates.Succeeded}'",
            new { Id = runId.ToString() }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.step_id, r => r.output is null ? null : JsonNode.Parse(r.output), StringComparer.Ordinal);
    }

    /// <summary>Every step so far (for the LLM planner's conversation), in order.</summary>
    public async Task<IReadOnlyList<StepView>> StepsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        var rows = await connection.QueryAsync<StepRow>(new CommandDefinition(
            $"SELECT {StepColumns} FROM agent_steps WHERE run_id = @Id ORDER BY step_index",
            new { Id = runId.ToString() }, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToView())];
    }

    /// <summary>One step, or null when it has no row.</summary>
    public async Task<StepView?> StepAsync(Guid runId, int index, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        var row = await connection.QuerySingleOrDefaultAsync<StepRow>(new CommandDefinition(
            $"SELECT {StepColumns} FROM agent_steps WHERE run_id = @Id AND step_index = @Index",
            new { Id = runId.ToString(), Index = index }, transaction, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    /// <summary>Appends an event to the run's stream (the saga numbers them; it is the only writer of a run's stream).</summary>
    public Task AppendEventAsync(Guid runId, long seq, string type, object data, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO agent_run_events (run_id, seq, type, data, created_at) VALUES (@Id, @Seq, @Type, @Data, @Now) ON CONFLICT DO NOTHING",
            new { Id = runId.ToString(), Seq = seq, Type = type, Data = JsonSerializer.Serialize(data, Json), Now },
            cancellationToken);

    public async Task<IReadOnlyList<RunEventView>> EventsAsync(Guid runId, long afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT seq, type, data, created_at FROM agent_run_events WHERE run_id = @Id AND seq > @After ORDER BY seq LIMIT 500",
            new { Id = runId.ToString(), After = afterSeq }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new RunEventView(r.seq, r.type, JsonDocument.Parse(r.data).RootElement.Clone(), DateTimeOffset.FromUnixTimeMilliseconds(r.created_at)))];
    }

    /// <summary>Records the decision on step <paramref name="index"/>'s approval; false when one was recorded before.</summary>
    public async Task<bool> TryRecordApprovalAsync(Guid runId, int index, bool approved, string approver, string? reason,
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_approvals (run_id, step_index, decision, approver, reason, created_at)
            VALUES (@Id, @Index, @Decision, @Approver, @Reason, @Now) ON CONFLICT DO NOTHING
            """,
            new { Id = runId.ToString(), Index = index, Decision = approved ? "approve" : "deny", Approver = approver, Reason = reason, Now },
            transaction,
            cancellationToken: cancellationToken)) == 1;

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }

    private const string RunColumns =
        "id, account_id, state, goal, planner, spec, budget, reserved, spent, charged, reservation_id, current_step, steps_completed, guard, " +
        "failure_reason, failure_detail, failed_step, settlement, answer, cancel_requested_at, created_at, updated_at, finished_at";

    private const string StepColumns =
        "run_id, step_index, step_id, tool, state, arguments, input, output, error_kind, error_detail, attempts, cost, estimated_cost, decisions, " +
        "started_at, finished_at, tool_ms";

    // Dapper maps by column name; classes with settable properties (not positional records) also work on SQLite's empty results.
#pragma warning disable IDE1006, SA1300
    private sealed class RunRow
    {
        public string id { get; set; } = "";
        public string account_id { get; set; } = "";
        public string state { get; set; } = "";
        public string goal { get; set; } = "";
        public string planner { get; set; } = "";
        public string spec { get; set; } = "";
        public long budget { get; set; }
        public long reserved { get; set; }
        public long spent { get; set; }
        public long? charged { get; set; }
        public string? reservation_id { get; set; }
        public long? current_step { get; set; }
        public long steps_completed { get; set; }
        public string? guard { get; set; }
        public string? failure_reason { get; set; }
        public string? failure_detail { get; set; }
        public long? failed_step { get; set; }
        public string? settlement { get; set; }
        public string? answer { get; set; }
        public long? cancel_requested_at { get; set; }
        public long created_at { get; set; }
        public long updated_at { get; set; }
        public long? finished_at { get; set; }

        public RunView ToView(IReadOnlyList<StepView>? steps)
        {
            var spec = JsonSerializer.Deserialize<RunSpec>(this.spec, Json)!;
            return new RunView(
                Guid.Parse(id), state, goal, planner, budget, reserved, spent, charged, spec.MaxSteps, spec.AllowedTools, spec.Policy, spec.Steps,
                (int?)current_step, (int)steps_completed, guard is null ? null : JsonDocument.Parse(guard).RootElement.Clone(),
                failure_reason is null ? null : new RunFailure(failure_reason, failure_detail ?? "", (int?)failed_step),
                settlement, answer, Time(cancel_requested_at), Time(created_at)!.Value, Time(updated_at)!.Value, Time(finished_at), steps);
        }
    }

    private sealed class StepRow
    {
        public string run_id { get; set; } = "";
        public long step_index { get; set; }
        public string step_id { get; set; } = "";
        public string tool { get; set; } = "";
        public string state { get; set; } = "";
        public string arguments { get; set; } = "{}";
        public string? input { get; set; }
        public string? output { get; set; }
        public string? error_kind { get; set; }
        public string? error_detail { get; set; }
        public long attempts { get; set; }
        public long cost { get; set; }
        public long estimated_cost { get; set; }
        public string decisions { get; set; } = "[]";
        public long started_at { get; set; }
        public long? finished_at { get; set; }
        public long? tool_ms { get; set; }

        public StepView ToView() => new(
            (int)step_index, step_id, tool, state, Parse(arguments)!.Value, Parse(input), Parse(output),
            error_kind is null ? null : new StepError(error_kind, error_detail ?? ""), (int)attempts, cost, estimated_cost, Parse(decisions)!.Value,
            Time(started_at)!.Value, Time(finished_at), finished_at - started_at, tool_ms);
    }

    private sealed class EventRow
    {
        public long seq { get; set; }
        public string type { get; set; } = "";
        public string data { get; set; } = "{}";
        public long created_at { get; set; }
    }
#pragma warning restore IDE1006, SA1300

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}

/// <summary>What the run's workers read of it: its account, request, public state and whether a cancel was asked for.</summary>
public sealed record StoredRun(Guid AccountId, RunSpec Spec, string State, bool CancelRequested);

/// <summary>Columns of a run to change; null fields stay as they are.</summary>
public sealed record RunChange
{
    public string? State { get; init; }
    public long? Reserved { get; init; }
    public long? Spent { get; init; }
    public long? Charged { get; init; }
    public string? ReservationId { get; init; }
    public int? CurrentStep { get; init; }
    public bool ClearCurrentStep { get; init; }
    public int? StepsCompleted { get; init; }
    public object? Guard { get; init; }
    public string? FailureReason { get; init; }
    public string? FailureDetail { get; init; }
    public int? FailedStep { get; init; }
    public string? Settlement { get; init; }
    public string? Answer { get; init; }
    public bool Finished { get; init; }
}

/// <summary>Columns of a step to change; null fields stay as they are, <see cref="AddCost"/> is added.</summary>
public sealed record StepChange
{
    public string? State { get; init; }
    public JsonNode? Output { get; init; }
    public string? ErrorKind { get; init; }
    public string? ErrorDetail { get; init; }
    public bool ClearError { get; init; }
    public int? Attempts { get; init; }
    public long AddCost { get; init; }
    public bool Finished { get; init; }
    public long? ToolMs { get; init; }
}
