using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.CadGenerator.Design;
using Platform.CadGenerator.Jobs;
using Platform.CadGenerator.Templates;
using Platform.Contracts.CadGenerator;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.CadGenerator.Api;

/// <summary>CAD jobs: submit a prompt or a template + parameters, follow the job, fetch its STL and .scad. Every read is the caller's account only.</summary>
public static class JobsApi
{
    public sealed record SubmitJobRequest(string? Prompt, string? Template, Dictionary<string, JsonElement>? Parameters);

    public sealed record JobList(IReadOnlyList<CadJob> Items, string? Next);

    /// <summary>Same key + same request = the same job (also after a restart); same key + another request = 409.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/v1/cad/jobs").WithTags("Jobs").RequireAuthorization(PlatformPolicies.Account);
        jobs.MapPost("/", Submit);
        jobs.MapGet("/", List);
        jobs.MapGet("/{id}", Get);
        jobs.MapGet("/{id}/model.stl", GetStl);
        jobs.MapGet("/{id}/model.scad", GetScad);
    }

    private static async Task<Results<Accepted<CadJob>, ValidationProblem, ProblemHttpResult>> Submit(
        SubmitJobRequest? request,
        ClaimsPrincipal user,
        HttpContext http,
        TemplateLibrary library,
        CadJobStore store,
        CadJobSubmissions submissions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var validator = new Validator();
        var prompt = request?.Prompt;
        var templateId = request?.Template;
        var parameters = CadJobRequest.Validate(prompt, templateId, request?.Parameters, library, validator.Add);

        var keys = http.Request.Headers[IdempotencyKeyHeader];
        var idempotencyKey = keys.Count == 0 ? null : keys.ToString();
        validator.Require(idempotencyKey is null || (keys.Count == 1 && CadJobRequest.IsValidKey(idempotencyKey)), IdempotencyKeyHeader,
            $"must be given once, 1 to {CadJobSubmissions.MaxKeyLength} visible ASCII characters");

        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var account = user.GetAccountId();
        var outcome = await submissions.SubmitAsync(account, prompt, templateId, prompt is null ? parameters : null, idempotencyKey, null, cancellationToken);
        if (outcome.Conflict)
        {
            return Problems.Conflict(ProblemTypes.IdempotencyConflict, "The idempotency key was used with another request.",
                $"{IdempotencyKeyHeader} '{idempotencyKey}' already made job {outcome.JobId} from a different request; send a new key for a new job.");
        }

        var logger = loggers.CreateLogger(typeof(JobsApi));
        if (outcome.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            logger.LogInformation("CAD job {JobId} answered again for idempotency key {IdempotencyKey} of account {AccountId}", outcome.JobId, idempotencyKey, account);
        }
        else
        {
            logger.LogInformation("CAD job {JobId} submitted for account {AccountId} ({Kind})",
                outcome.JobId, account, prompt is null ? "template " + templateId : "prompt");
        }

        var job = await store.GetAsync(account, outcome.JobId, cancellationToken);
        return TypedResults.Accepted($"/v1/cad/jobs/{outcome.JobId}", job);
    }

    private static async Task<Results<Ok<JobList>, ValidationProblem>> List(
        ClaimsPrincipal user, CadJobStore store, CancellationToken cancellationToken, int limit = 20, string? before = null)
    {
        var validator = new Validator().Require(limit is >= 1 and <= 100, "limit", "must be between 1 and 100");
        Guid? beforeId = null;
        if (before is not null)
        {
            if (Guid.TryParse(before, out var parsed))
            {
                beforeId = parsed;
            }
            else
            {
                validator.Add("before", "must be a job id from a previous page's next");
            }
        }

        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var items = await store.ListAsync(user.GetAccountId(), limit, beforeId, cancellationToken);
        return TypedResults.Ok(new JobList(items, items.Count == limit ? items[^1].Id.ToString() : null));
    }

    private static async Task<Results<Ok<CadJob>, ProblemHttpResult>> Get(
        string id, ClaimsPrincipal user, CadJobStore store, CancellationToken cancellationToken) =>
        await FindAsync(id, user, store, cancellationToken) is { } job ? TypedResults.Ok(job) : JobNotFound(id);

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetStl(
        string id, ClaimsPrincipal user, CadJobStore store, JobFolders folders, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, user, store, cancellationToken) is not { } job)
        {
            return JobNotFound(id);
        }

        var path = folders.StlPath(job.Id);
        if (job.State != CadJobStates.Done || !File.Exists(path))
        {
            return NotReady(job, "STL");
        }

        return TypedResults.File(File.OpenRead(path), "model/stl", $"{job.TemplateId}-{job.Id:N}.stl");
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetScad(
        string id, ClaimsPrincipal user, CadJobStore store, JobFolders folders, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, user, store, cancellationToken) is not { } job)
        {
            return JobNotFound(id);
        }

        var path = folders.ScadPath(job.Id);
        if (job.Parameters is null || !File.Exists(path))
        {
            return NotReady(job, ".scad");
        }

        return TypedResults.File(File.OpenRead(path), "text/plain; charset=utf-8", $"{job.TemplateId}-{job.Id:N}.scad");
    }

    private static async Task<CadJob?> FindAsync(string id, ClaimsPrincipal user, CadJobStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var jobId) ? await store.GetAsync(user.GetAccountId(), jobId, cancellationToken) : null;

    private static ProblemHttpResult JobNotFound(string id) => Problems.NotFound("CAD job", id);

    private static ProblemHttpResult NotReady(CadJob job, string what) =>
        Problems.Status(StatusCodes.Status409Conflict, ProblemTypes.Conflict, $"The job has no {what} yet.",
            job.State == CadJobStates.Failed
                ? $"The job failed at {job.FailedStep}: {job.FailureReason}"
                : $"The job is {job.State}; the {what} is available once it is done (GET /v1/cad/jobs/{job.Id}).");
}
