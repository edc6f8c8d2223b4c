using Platform.CadGenerator.Jobs;
using Platform.Messaging.Outbox;
using Platform.Messaging.Sagas;
using Platform.Messaging.Scheduling;
using Platform.Storage;

namespace Platform.CadGenerator.Storage;

/// <summary>CadGenerator's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class CadGeneratorMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        // One row per job; its files are in the data directory (cad/{id}/), the row says where the job is and how it went.
        new(1, "cad jobs",
            """
            CREATE TABLE cad_jobs (
                id                   TEXT PRIMARY KEY,
                account_id           TEXT NOT NULL,
                state                TEXT NOT NULL,
                prompt               TEXT NULL,
                template_id          TEXT NULL,
                requested_parameters TEXT NULL,
                parameters           TEXT NULL,
                notes                TEXT NOT NULL,
                steps                TEXT NOT NULL,
                validation           TEXT NULL,
                failed_step          TEXT NULL,
                failure_reason       TEXT NULL,
                render_ms            BIGINT NULL,
                charged              BIGINT NULL,
                stl_bytes            BIGINT NULL,
                created_at           BIGINT NOT NULL,
                updated_at           BIGINT NOT NULL,
                finished_at          BIGINT NULL
            );
            CREATE INDEX ix_cad_jobs_account_created ON cad_jobs (account_id, created_at, id);
            """),
        SagaTable.Migration<CadJobSaga>(2),
        ScheduledMessages.Migration(3),
        // CadJobSubmitted, CadJobCompleted and CadJobFailed leave through here, written with the state change that caused them.
        OutboxTable.Migration(4),
        // Idempotency-Key of POST /v1/cad/jobs: per account, the key, a hash of the request it came with, and the job it made.
        new(5, "cad job idempotency keys",
            """
            CREATE TABLE cad_job_requests (
                account_id      TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                request_hash    TEXT NOT NULL,
                job_id          TEXT NOT NULL,
                created_at      BIGINT NOT NULL,
                PRIMARY KEY (account_id, idempotency_key)
            );
            """),
    ];
}
