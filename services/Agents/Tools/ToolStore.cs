using System.Text.Json;
using Dapper;
using Platform.Storage;

namespace Platform.Agents.Tools;

/// <summary>The HTTP tools each account declared (SQLite or PostgreSQL, same SQL). Built-ins are not stored.</summary>
public sealed class ToolStore([FromKeyedServices(AgentsModule.Name)] Database database)
{
    /// <summary>Stores the tool; false when the account already has a tool with that name.</summary>
    public async Task<bool> TryCreateAsync(Guid accountId, ToolDefinition tool, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO http_tools (account_id, name, description, method, url_template, arguments_schema, timeout_seconds, risk, created_at)
            VALUES (@AccountId, @Name, @Description, @Method, @UrlTemplate, @ArgumentsSchema, @TimeoutSeconds, @Risk, @CreatedAt)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                AccountId = accountId.ToString(),
                tool.Name,
                tool.Description,
                tool.Method,
                tool.UrlTemplate,
                ArgumentsSchema = tool.ArgumentsSchema.GetRawText(),
                tool.TimeoutSeconds,
                Risk = tool.Risk.ToString().ToLowerInvariant(),
                CreatedAt = tool.CreatedAt!.Value.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>The account's tool by name; inside the run saga it reads on the saga's own connection (see <see cref="DatabaseLease"/>).</summary>
    public async Task<ToolDefinition?> FindAsync(Guid accountId, string name, CancellationToken cancellationToken)
    {
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var row = await lease.Connection.QuerySingleOrDefaultAsync<ToolRow>(new CommandDefinition(
            $"SELECT {Columns} FROM http_tools WHERE account_id = @accountId AND name = @name",
            new { accountId = accountId.ToString(), name },
            lease.Transaction,
            cancellationToken: cancellationToken));
        return row?.ToTool();
    }

    /// <summary>The account's tools in name order, after <paramref name="after"/> when given.</summary>
    public async Task<IReadOnlyList<ToolDefinition>> ListAsync(Guid accountId, int limit, string? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ToolRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM http_tools
            WHERE account_id = @accountId AND (@after IS NULL OR name > @after)
            ORDER BY name LIMIT @limit
            """,
            new { accountId = accountId.ToString(), after, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToTool())];
    }

    /// <summary>Deletes the account's tool; false when it has none by that name.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM http_tools WHERE account_id = @accountId AND name = @name",
            new { accountId = accountId.ToString(), name },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    private const string Columns =
        "name, description, method, url_template AS UrlTemplate, arguments_schema AS ArgumentsSchema, " +
        "timeout_seconds AS TimeoutSeconds, risk, created_at AS CreatedAt";

    private sealed record ToolRow(
        string Name, string Description, string Method, string UrlTemplate, string ArgumentsSchema,
        long TimeoutSeconds, string Risk, long CreatedAt)
    {
        public ToolDefinition ToTool()
        {
            using var schema = JsonDocument.Parse(ArgumentsSchema);
            return new ToolDefinition(
                Name,
                Description,
                BuiltIn: false,
                Method,
                UrlTemplate,
                schema.RootElement.Clone(),
                (int)TimeoutSeconds,
                Enum.Parse<ToolRisk>(Risk, ignoreCase: true),
                DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
        }
    }
}
