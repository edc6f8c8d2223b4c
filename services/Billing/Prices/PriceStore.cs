using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Platform.Storage;

namespace Platform.Billing.Prices;

/// <summary>
/// The price table: configuration defaults, overridden item by item by prices set through the admin
/// API (stored, so every Billing instance sees them). Read often, changed rarely: cached for a few
/// seconds, which is how long another instance may keep charging the old price.
/// </summary>
public sealed class PriceStore(
    [FromKeyedServices(BillingModule.Name)] Database database, IOptions<BillingOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    // A reference swapped whole, so concurrent readers never see a half-written entry.
    private volatile CachedTable? _cached;

    public async Task<PriceTable> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.At < CacheFor)
        {
            return cached.Table;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Item, long MicroCredits)>(new CommandDefinition(
            "SELECT item, micro_credits FROM prices", cancellationToken: cancellationToken));
        var table = Merge(options.Value.Prices, rows);
        _cached = new CachedTable(table, clock.GetUtcNow());
        return table;
    }

    /// <summary>Stores the given items (null fields are left as they are) and returns the new table.</summary>
    public async Task<PriceTable> SetAsync(PriceUpdate update, CancellationToken cancellationToken)
    {
        var items = new List<(string Item, long Value)>();
        foreach (var (model, price) in update.Models ?? [])
        {
            Add(items, $"model/{model}/input", price.InputPerMillionTokens);
            Add(items, $"model/{model}/output", price.OutputPerMillionTokens);
            Add(items, $"model/{model}/embedding", price.EmbeddingPerMillionTokens);
        }

        Add(items, "cad/render-second", update.CadRenderPerSecond);
        Add(items, "tool/call", update.ToolCall);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (item, value) in items)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO prices (item, micro_credits, updated_at) VALUES (@item, @value, @now)
                ON CONFLICT (item) DO UPDATE SET micro_credits = excluded.micro_credits, updated_at = excluded.updated_at
                """,
                new { item, value, now },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        _cached = null;
        return await GetAsync(cancellationToken);
    }

    private sealed record CachedTable(PriceTable Table, DateTimeOffset At);

    private static void Add(List<(string, long)> items, string item, long? value)
    {
        if (value is { } price)
        {
            items.Add((item, price));
        }
    }

    private static PriceTable Merge(PriceOptions defaults, IEnumerable<(string Item, long MicroCredits)> overrides)
    {
        var models = defaults.Models.ToDictionary(
            m => m.Key,
            m => new ModelPrice(m.Value.InputPerMillionTokens, m.Value.OutputPerMillionTokens, m.Value.EmbeddingPerMillionTokens),
            StringComparer.Ordinal);
        var render = defaults.CadRenderPerSecond;
        var toolCall = defaults.ToolCall;
        foreach (var (item, value) in overrides)
        {
            if (item == "cad/render-second")
            {
                render = value;
            }
            else if (item == "tool/call")
            {
                toolCall = value;
            }
            else if (item.StartsWith("model/", StringComparison.Ordinal) && item.LastIndexOf('/') is var slash and > 6)
            {
                var model = item[6..slash];
                var price = models.GetValueOrDefault(model) ?? new ModelPrice(0, 0, 0);
                models[model] = item[(slash + 1)..] switch
                {
                    "input" => price with { InputPerMillionTokens = value },
                    "output" => price with { OutputPerMillionTokens = value },
                    "embedding" => price with { EmbeddingPerMillionTokens = value },
                    var unknown => throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"Unknown price item '{item}' ({unknown}).")),
                };
            }
        }

        return new PriceTable(models, render, toolCall);
    }
}

/// <summary>Prices to set (admin). Missing fields keep their current value.</summary>
public sealed record PriceUpdate(
    Dictionary<string, ModelPriceUpdate>? Models, long? CadRenderPerSecond, long? ToolCall);

public sealed record ModelPriceUpdate(long? InputPerMillionTokens, long? OutputPerMillionTokens, long? EmbeddingPerMillionTokens);
