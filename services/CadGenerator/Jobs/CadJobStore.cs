using System.Data.Common;
using System.Text.Json;
using Dapper;
using Platform.CadGenerator.Geometry;
using Platform.Storage;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// The cad_jobs table: what each job asked for, where it is, its step timings, validation report and
/// outcome. Every read takes the account, so one account never sees another's jobs. Writes made while
/// the job's saga handles a message join the saga's transaction (SQLite has one writer at a time).
/// </summary>
public sealed class CadJobStore([FromKeyedServices(CadGeneratorModule.Name)] Database database, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds a queued job; joins the transaction open on the database (the submission's), if any.</summary>
    public async Task CreateAsync(Guid jobId, Guid accountId, string? prompt, string? templateId,
        IReadOnlyDictionary<string, double>? parameters, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        await connection.ExecuteAsync(new CommandDefinition(
        """
        INSERT INTO cad_jobs (id, account_id, state, prompt, template_id, requested_parameters, notes, steps, created_at, updated_at)
        VALUES (@Id, @AccountId, @State, @Prompt, @TemplateId, @Requested, '[]', '[]', @Now, @Now)
        """,
        new
        {
            Id = jobId.ToString(), AccountId = accountId.ToString(), State = CadJobStates.Queued, Prompt = prompt, TemplateId = templateId,
            Requested = parameters is null ? null : JsonSerializer.Serialize(parameters, Json), Now = now,
        },
        transaction,
        cancellationToken: cancellationToken));
    }

    public async Task<CadJob?> GetAsync(Guid accountId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {Columns} FROM cad_jobs WHERE id = @Id AND account_id = @AccountId",
            new { Id = jobId.ToString(), AccountId = accountId.ToString() }, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    /// <summary>For the job's own workers (saga, producer), which act for whichever account owns it.</summary>
    public async Task<CadJob?> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {Columns} FROM cad_jobs WHERE id = @Id", new { Id = jobId.ToString() }, transaction, cancellationToken: cancellationToken));
        return row?.ToJob();
    }

    /// <summary>Newest first; <paramref name="before"/> is the last id of the previous page.</summary>
    public async Task<IReadOnlyList<CadJob>> ListAsync(Guid accountId, int limit, Guid? before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
            before is null
                ? $"SELECT {Columns} FROM cad_jobs WHERE account_id = @AccountId ORDER BY created_at DESC, id DESC LIMIT @Limit"
                : $"""
                   SELECT {Columns} FROM cad_jobs c WHERE account_id = @AccountId AND EXISTS (
                       SELECT 1 FROM cad_jobs p WHERE p.id = @Before AND p.account_id = @AccountId
                         AND (c.created_at < p.created_at OR (c.created_at = p.created_at AND c.id < p.id)))
                   ORDER BY created_at DESC, id DESC LIMIT @Limit
                   """,
            new { AccountId = accountId.ToString(), Limit = limit, Before = before?.ToString() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToJob())];
    }

    public Task SetStateAsync(Guid jobId, string state, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "state = @State", new { State = state }, cancellationToken);

    public Task AddStepAsync(Guid jobId, StepTiming step, CancellationToken cancellationToken) =>
        MutateAsync(jobId, job => ("steps = @Steps", new { Steps = JsonSerializer.Serialize(job.Steps.Append(step), Json) }), cancellationToken);

    public Task SetDesignAsync(Guid jobId, string templateId, IReadOnlyDictionary<string, double> parameters, IReadOnlyList<string> notes, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "template_id = @TemplateId, parameters = @Parameters, notes = @Notes",
            new { TemplateId = templateId, Parameters = JsonSerializer.Serialize(parameters, Json), Notes = JsonSerializer.Serialize(notes, Json) },
            cancellationToken);

    public Task SetNotesAsync(Guid jobId, IReadOnlyList<string> notes, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "notes = @Notes", new { Notes = JsonSerializer.Serialize(notes, Json) }, cancellationToken);

    public Task SetRenderedAsync(Guid jobId, long renderMs, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "render_ms = @RenderMs", new { RenderMs = renderMs }, cancellationToken);

    public Task SetValidationAsync(Guid jobId, MeshReport report, long stlBytes, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "validation = @Validation, stl_bytes = @StlBytes",
            new { Validation = JsonSerializer.Serialize(report, Json), StlBytes = stlBytes }, cancellationToken);

    public Task CompleteAsync(Guid jobId, long charged, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "state = @State, charged = @Charged, finished_at = @Finished",
            new { State = CadJobStates.Done, Charged = charged, Finished = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken);

    /// <summary>Fails the job unless it already ended (the first failure is the one reported; a done job stays done).</summary>
    public Task FailAsync(Guid jobId, string step, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "state = @State, failed_step = COALESCE(failed_step, @Step), failure_reason = COALESCE(failure_reason, @Reason), finished_at = COALESCE(finished_at, @Finished)",
            new { State = CadJobStates.Failed, Step = step, Reason = reason, Finished = clock.GetUtcNow().ToUnixTimeMilliseconds(), Done = CadJobStates.Done },
            cancellationToken, "state <> @Done");

    /// <summary>Records why the job will fail before the saga settles it (the reservation is released first).</summary>
    public Task SetFailureAsync(Guid jobId, string step, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(jobId, "failed_step = COALESCE(failed_step, @Step), failure_reason = COALESCE(failure_reason, @Reason)",
            new { Step = step, Reason = reason }, cancellationToken);

    private async Task MutateAsync(Guid jobId, Func<CadJob, (string Set, object Values)> change, CancellationToken cancellationToken)
    {
        var job = await GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"CAD job {jobId} does not exist.");
        var (set, values) = change(job);
        await UpdateAsync(jobId, set, values, cancellationToken);
    }

    private async Task UpdateAsync(Guid jobId, string set, object values, CancellationToken cancellationToken, string? condition = null)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("Id", jobId.ToString());
        parameters.Add("Now", clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE cad_jobs SET {set}, updated_at = @Now WHERE id = @Id{(condition is null ? "" : " AND " + condition)}", parameters, transaction, cancellationToken: cancellationToken));
    }

    private const string Columns =
        "id, account_id, state, prompt, template_id, requested_parameters, parameters, notes, steps, validation, failed_step, failure_reason, " +
        "render_ms, charged, stl_bytes, created_at, updated_at, finished_at";

    private sealed class JobRow
    {
        public string id { get; set; } = "";
        public string account_id { get; set; } = "";
        public string state { get; set; } = "";
        public string? prompt { get; set; }
        public string? template_id { get; set; }
        public string? requested_parameters { get; set; }
        public string? parameters { get; set; }
        public string notes { get; set; } = "[]";
        public string steps { get; set; } = "[]";
        public string? validation { get; set; }
        public string? failed_step { get; set; }
        public string? failure_reason { get; set; }
        public long? render_ms { get; set; }
        public long? charged { get; set; }
        public long? stl_bytes { get; set; }
        public long created_at { get; set; }
        public long updated_at { get; set; }
        public long? finished_at { get; set; }

        public CadJob ToJob()
        {
            var jobId = Guid.Parse(id);
            var path = $"/v1/cad/jobs/{jobId}";
            return new CadJob(
                jobId,
                state,
                prompt,
                template_id,
                parameters is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(parameters, Json),
                JsonSerializer.Deserialize<List<string>>(notes, Json) ?? [],
                JsonSerializer.Deserialize<List<StepTiming>>(steps, Json) ?? [],
                validation is null ? null : JsonSerializer.Deserialize<MeshReport>(validation, Json),
                failed_step,
                failure_reason,
                render_ms,
                charged,
                parameters is null ? null : new CadJobArtifacts(path + "/model.scad", state == CadJobStates.Done ? path + "/model.stl" : null, state == CadJobStates.Done ? stl_bytes : null),
                DateTimeOffset.FromUnixTimeMilliseconds(created_at),
                DateTimeOffset.FromUnixTimeMilliseconds(updated_at),
                finished_at is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(finished_at.Value))
            {
                AccountId = Guid.Parse(account_id),
                RequestedParameters = requested_parameters is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(requested_parameters, Json),
            };
        }
    }
}
