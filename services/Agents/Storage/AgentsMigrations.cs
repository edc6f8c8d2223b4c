using Platform.Agents.Execution;
using Platform.Messaging.Outbox;
using Platform.Messaging.Sagas;
using Platform.Messaging.Scheduling;
using Platform.Storage;

namespace Platform.Agents.Storage;

/// <summary>Agents's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class AgentsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "http tools declared by accounts",
            """
            CREATE TABLE http_tools (
                account_id        TEXT NOT NULL,
                name              TEXT NOT NULL,
                description       TEXT NOT NULL,
                method            TEXT NOT NULL,
                url_template      TEXT NOT NULL,
                arguments_schema  TEXT NOT NULL,
                timeout_seconds   BIGINT NOT NULL,
                risk              TEXT NOT NULL,
                created_at        BIGINT NOT NULL,
                PRIMARY KEY (account_id, name)
            );
            """),
        // The public view of each run; its saga's own state is in saga_agent_run_saga.
        new(2, "agent runs, steps, run events, approvals",
            """
            CREATE TABLE agent_runs (
                id                  TEXT PRIMARY KEY,
                account_id          TEXT NOT NULL,
                state               TEXT NOT NULL,
                goal                TEXT NOT NULL,
                planner             TEXT NOT NULL,
                spec                TEXT NOT NULL,
                budget              BIGINT NOT NULL,
                reserved            BIGINT NOT NULL,
                spent               BIGINT NOT NULL,
                charged             BIGINT NULL,
                reservation_id      TEXT NULL,
                current_step        BIGINT NULL,
                steps_completed     BIGINT NOT NULL,
                guard               TEXT NULL,
                failure_reason      TEXT NULL,
                failure_detail      TEXT NULL,
                failed_step         BIGINT NULL,
                settlement          TEXT NULL,
                answer              TEXT NULL,
                cancel_requested_at BIGINT NULL,
                created_at          BIGINT NOT NULL,
                updated_at          BIGINT NOT NULL,
                finished_at         BIGINT NULL
            );
            CREATE INDEX ix_agent_runs_account_created ON agent_runs (account_id, created_at, id);
            CREATE TABLE agent_steps (
                run_id          TEXT NOT NULL,
                step_index      BIGINT NOT NULL,
                step_id         TEXT NOT NULL,
                tool            TEXT NOT NULL,
                state           TEXT NOT NULL,
                arguments       TEXT NOT NULL,
                input           TEXT NULL,
                output          TEXT NULL,
                error_kind      TEXT NULL,
                error_detail    TEXT NULL,
                attempts        BIGINT NOT NULL,
                cost            BIGINT NOT NULL,
                estimated_cost  BIGINT NOT NULL,
                decisions       TEXT NOT NULL,
                started_at      BIGINT NOT NULL,
                finished_at     BIGINT NULL,
                tool_ms         BIGINT NULL,
                PRIMARY KEY (run_id, step_index)
            );
            CREATE TABLE agent_run_events (
                run_id      TEXT NOT NULL,
                seq         BIGINT NOT NULL,
                type        TEXT NOT NULL,
                data        TEXT NOT NULL,
                created_at  BIGINT NOT NULL,
                PRIMARY KEY (run_id, seq)
            );
            CREATE TABLE agent_approvals (
                run_id      TEXT NOT NULL,
                step_index  BIGINT NOT NULL,
                decision    TEXT NOT NULL,
                approver    TEXT NOT NULL,
                reason      TEXT NULL,
                created_at  BIGINT NOT NULL,
                PRIMARY KEY (run_id, step_index)
            );
            """),
        // One row per tool call (run, step, attempt): claimed before the call, the result kept after it,
        // so a redelivered command never calls the tool again.
        new(3, "agent step executions",
            """
            CREATE TABLE agent_step_executions (
                run_id      TEXT NOT NULL,
                step_index  BIGINT NOT NULL,
                attempt     BIGINT NOT NULL,
                status      TEXT NOT NULL,
                result      TEXT NULL,
                created_at  BIGINT NOT NULL,
                updated_at  BIGINT NOT NULL,
                PRIMARY KEY (run_id, step_index, attempt)
            );
            """),
        SagaTable.Migration<AgentRunSaga>(4),
        ScheduledMessages.Migration(5),
        // Run events and the saga's commands leave through here, written with the state change that caused them.
        OutboxTable.Migration(6),
    ];
}
