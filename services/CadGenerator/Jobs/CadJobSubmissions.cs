using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using MassTransit;
using Platform.Contracts.CadGenerator;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// Accepts a job in one transaction: the idempotency key's claim (when the caller sent one), the job
/// row, and CadJobSubmitted in the outbox. An accepted job therefore always reaches its saga, even if
/// the bus is down at that moment or the process dies right after answering; and a retried request
/// with the same key finds the job it made, also after a restart.
/// </summary>
public sealed class CadJobSubmissions(
    [FromKeyedServices(CadGeneratorModule.Name)] Database database,
    TransactionalOutbox outbox,
    CadJobStore store,
    TimeProvider clock)
{
    public const int MaxKeyLength = 255;

    /// <summary>
    /// The job made (or made before, for a replayed key), or <see cref="SubmitOutcome.Conflict"/> when the key came with another request.
    /// <paramref name="funding"/> (a caller's reservation that pays) is not part of the request's identity: a caller's retry may hold the same job.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(Guid accountId, string? prompt, string? templateId, IReadOnlyDictionary<string, double>? parameters,
        string? idempotencyKey, CadJobFunding? funding, CancellationToken cancellationToken)
    {
        var jobId = NewId.NextGuid();
        var hash = idempotencyKey is null ? null : RequestHash(prompt, templateId, parameters);
        await using var work = await DatabaseTransaction.BeginAsync(database, cancellationToken);
        var (connection, transaction) = (work.Connection, work.Transaction);
        if (idempotencyKey is not null)
        {
            // The claim comes first: a concurrent request with the same key waits here for this one's commit.
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO cad_job_requests (account_id, idempotency_key, request_hash, job_id, created_at)
                VALUES (@AccountId, @Key, @Hash, @JobId, @Now) ON CONFLICT DO NOTHING
                """,
                new { AccountId = accountId.ToString(), Key = idempotencyKey, Hash = hash, JobId = jobId.ToString(), Now = clock.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                var earlier = await connection.QuerySingleAsync<RequestRow>(new CommandDefinition(
                    "SELECT request_hash AS RequestHash, job_id AS JobId FROM cad_job_requests WHERE account_id = @AccountId AND idempotency_key = @Key",
                    new { AccountId = accountId.ToString(), Key = idempotencyKey }, transaction, cancellationToken: cancellationToken));
                await transaction.RollbackAsync(cancellationToken);
                return earlier.RequestHash == hash
                    ? new SubmitOutcome(Guid.Parse(earlier.JobId), Replayed: true, Conflict: false)
                    : new SubmitOutcome(Guid.Parse(earlier.JobId), Replayed: false, Conflict: true);
            }
        }

        using (work.EnterAmbient())
        {
            await store.CreateAsync(jobId, accountId, prompt, templateId, parameters, cancellationToken);
            await outbox.PublishAsync(new CadJobSubmitted(jobId, accountId, prompt, clock.GetUtcNow(), funding), cancellationToken);
        }

        await work.CommitAsync(cancellationToken);
        return new SubmitOutcome(jobId, Replayed: false, Conflict: false);
    }

    /// <summary>
    /// The request as a canonical text (parameters sorted by name, numbers in round-trip form), hashed:
    /// the same request written differently (key order, 25 or 25.0) is the same request.
    /// </summary>
    public static string RequestHash(string? prompt, string? templateId, IReadOnlyDictionary<string, double>? parameters)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            prompt,
            templateId,
            parameters?.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { p.Key, p.Value.ToString("R", CultureInfo.InvariantCulture) }).ToArray(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed class RequestRow
    {
        public string RequestHash { get; set; } = "";

        public string JobId { get; set; } = "";
    }
}

/// <summary>What a submission did: made <see cref="JobId"/>, found it for a replayed key, or refused a key reused with another request.</summary>
public sealed record SubmitOutcome(Guid JobId, bool Replayed, bool Conflict);
