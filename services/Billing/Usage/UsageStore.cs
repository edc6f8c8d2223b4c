using Dapper;
using Platform.Storage;

namespace Platform.Billing.Usage;

/// <summary>Reads usage records (written by the ledger store with their charge): lists and totals, same SQL on both engines.</summary>
public sealed class UsageStore([FromKeyedServices(BillingModule.Name)] Database database)
{
    private const string Columns =
        "account_id AS AccountId, id AS Id, kind AS Kind, model AS Model, run_id AS RunId, reservation_id AS ReservationId, " +
        "input_tokens AS InputTokens, output_tokens AS OutputTokens, embedding_tokens AS EmbeddingTokens, " +
        "render_ms AS RenderMilliseconds, tool_calls AS ToolCalls, charge AS Charge, transfer_id AS TransferId, " +
        "request AS Request, created_at AS CreatedAtMs";

    private const string Filter = """
        account_id = @account AND created_at >= @from AND created_at < @to
          AND (@model IS NULL OR model = @model) AND (@runId IS NULL OR run_id = @runId) AND (@kind IS NULL OR kind = @kind)
        """;

    public async Task<IReadOnlyList<UsageRecord>> ListAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UsageRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM usage_records
            WHERE {Filter} AND (@afterMs IS NULL OR created_at > @afterMs OR (created_at = @afterMs AND id > @afterId))
            ORDER BY created_at, id LIMIT @limit
            """,
            Parameters(query),
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToUsage())];
    }

    /// <summary>Totals per UTC day and model (model "" for usage without one), oldest day first.</summary>
    public async Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TotalRow>(new CommandDefinition(
            $"""
            SELECT created_at / 86400000 AS Day, COALESCE(model, '') AS Model, COUNT(*) AS Records,
                   SUM(input_tokens) AS InputTokens, SUM(output_tokens) AS OutputTokens, SUM(embedding_tokens) AS EmbeddingTokens,
                   SUM(render_ms) AS RenderMilliseconds, SUM(tool_calls) AS ToolCalls, SUM(charge) AS Charge
            FROM usage_records WHERE {Filter}
            GROUP BY created_at / 86400000, COALESCE(model, '')
            ORDER BY 1, 2
            """,
            Parameters(query),
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UsageTotal(
            DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds((long)r.Day * 86_400_000).UtcDateTime),
            r.Model,
            (long)r.Records,
            (long)r.InputTokens,
            (long)r.OutputTokens,
            (long)r.EmbeddingTokens,
            (long)r.RenderMilliseconds,
            (long)r.ToolCalls,
            (long)r.Charge))];
    }

    private static object Parameters(UsageQuery query) => new
    {
        account = query.AccountId.ToString("D"),
        from = query.FromMs,
        to = query.ToMs,
        model = query.Model,
        runId = query.RunId,
        kind = query.Kind,
        afterMs = query.AfterMs,
        afterId = query.AfterId ?? "",
        limit = query.Limit,
    };

    private sealed class UsageRow
    {
        public string AccountId { get; set; } = "";
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? Model { get; set; }
        public string? RunId { get; set; }
        public string? ReservationId { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long EmbeddingTokens { get; set; }
        public long RenderMilliseconds { get; set; }
        public long ToolCalls { get; set; }
        public long Charge { get; set; }
        public string? TransferId { get; set; }
        public string Request { get; set; } = "";
        public long CreatedAtMs { get; set; }

        public UsageRecord ToUsage() => new(
            Guid.Parse(AccountId),
            Id,
            new UsageQuantities(Kind, Model, RunId, InputTokens, OutputTokens, EmbeddingTokens, RenderMilliseconds, ToolCalls, ReservationId),
            Charge,
            TransferId,
            Request,
            CreatedAtMs);
    }

    private sealed class TotalRow
    {
        public decimal Day { get; set; }
        public string Model { get; set; } = "";
        public decimal Records { get; set; }
        public decimal InputTokens { get; set; }
        public decimal OutputTokens { get; set; }
        public decimal EmbeddingTokens { get; set; }
        public decimal RenderMilliseconds { get; set; }
        public decimal ToolCalls { get; set; }
        public decimal Charge { get; set; }
    }
}

public sealed record UsageQuery(
    Guid AccountId, long FromMs, long ToMs, string? Model, string? RunId, string? Kind, int Limit, long? AfterMs, string? AfterId);

public sealed record UsageTotal(
    DateOnly Day, string Model, long Records, long InputTokens, long OutputTokens, long EmbeddingTokens,
    long RenderMilliseconds, long ToolCalls, long Charge);
