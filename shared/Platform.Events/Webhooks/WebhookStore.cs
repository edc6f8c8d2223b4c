using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Platform.Events.Log;

namespace Platform.Events.Webhooks;

/// <summary>Webhook subscriptions, their delivery queues and the delivery log, in the events database.</summary>
public sealed class WebhookStore(EventsDatabase events, TimeProvider clock)
{
    private const string SubscriptionColumns =
        "id AS Id, account_id AS AccountId, url AS Url, description AS Description, event_types AS EventTypes, secret AS Secret, " +
        "previous_secret AS PreviousSecret, previous_expires_at AS PreviousExpiresAtMs, created_at AS CreatedAt";

    private const string DeliveryColumns =
        "d.sequence AS Sequence, d.id AS Id, d.subscription_id AS SubscriptionId, d.event_id AS EventId, e.type AS EventType, d.status AS Status, " +
        "d.attempts AS Attempts, d.next_attempt_at AS NextAttemptAt, d.last_status_code AS LastStatusCode, d.last_error AS LastError, " +
        "d.created_at AS CreatedAt, d.completed_at AS CompletedAt";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates the subscription unless the account already has <paramref name="limit"/>; false when it has.</summary>
    public async Task<bool> CreateAsync(WebhookSubscription subscription, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM webhook_subscriptions WHERE account_id = @account AND deleted_at IS NULL",
            new { account = subscription.AccountId }, transaction, cancellationToken: cancellationToken));
        if (count >= limit)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_subscriptions (id, account_id, url, description, event_types, secret, created_at)
            VALUES (@Id, @AccountId, @Url, @Description, @EventTypes, @Secret, @CreatedAt)
            """,
            subscription, transaction, cancellationToken: cancellationToken));
        foreach (var type in subscription.Types)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO webhook_subscription_types (subscription_id, account_id, event_type) VALUES (@id, @account, @type)",
                new { id = subscription.Id, account = subscription.AccountId, type }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<WebhookSubscription>(new CommandDefinition(
            $"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE account_id = @account AND deleted_at IS NULL ORDER BY created_at, id",
            new { account = accountId.ToString("D") }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>The account's live subscription <paramref name="id"/>; null for unknown, deleted or another account's.</summary>
    public async Task<WebhookSubscription?> FindAsync(Guid accountId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, accountId.ToString("D"), id, cancellationToken);
    }

    private static Task<WebhookSubscription?> FindAsync(
        DbConnection connection, DbTransaction? transaction, string? accountId, string id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<WebhookSubscription>(new CommandDefinition(
            $"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE id = @id AND (@account IS NULL OR account_id = @account) AND deleted_at IS NULL",
            new { id, account = accountId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Deletes the subscription; its undelivered deliveries are cancelled. False when there is no such subscription.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now;
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_subscriptions SET deleted_at = @now WHERE id = @id AND account_id = @account AND deleted_at IS NULL",
            new { id, account = accountId.ToString("D"), now }, transaction, cancellationToken: cancellationToken));
        if (deleted == 1)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE webhook_deliveries SET status = '{DeliveryStatus.Cancelled}', completed_at = @now
                WHERE subscription_id = @id AND status = '{DeliveryStatus.Pending}';
                DELETE FROM webhook_subscription_types WHERE subscription_id = @id;
                """,
                new { id, now }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    /// <summary>Makes <paramref name="secret"/> current; the current one keeps signing until <paramref name="previousExpiresAtMs"/>.</summary>
    public async Task<WebhookSubscription?> RotateSecretAsync(
        Guid accountId, string id, string secret, long previousExpiresAtMs, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_subscriptions SET previous_secret = secret, previous_expires_at = @expires, secret = @secret
            WHERE id = @id AND account_id = @account AND deleted_at IS NULL
            """,
            new { id, account = accountId.ToString("D"), secret, expires = previousExpiresAtMs }, transaction, cancellationToken: cancellationToken));
        var subscription = updated == 1 ? await FindAsync(connection, transaction, accountId.ToString("D"), id, cancellationToken) : null;
        await transaction.CommitAsync(cancellationToken);
        return subscription;
    }

    /// <summary>The subscription's delivery log, newest first, before sequence <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(
        string subscriptionId, string? status, string? eventId, long before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<WebhookDelivery>(new CommandDefinition(
            $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN event_log e ON e.sequence = d.event_sequence
            WHERE d.subscription_id = @subscriptionId AND d.sequence < @before
              AND (@status IS NULL OR d.status = @status) AND (@eventId IS NULL OR d.event_id = @eventId)
            ORDER BY d.sequence DESC LIMIT @limit
            """,
            new { subscriptionId, status, eventId, before, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)?> FindDeliveryAsync(
        string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var delivery = await connection.QuerySingleOrDefaultAsync<WebhookDelivery>(new CommandDefinition(
            $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN event_log e ON e.sequence = d.event_sequence
            WHERE d.subscription_id = @subscriptionId AND d.id = @deliveryId
            """,
            new { subscriptionId, deliveryId }, cancellationToken: cancellationToken));
        if (delivery is null)
        {
            return null;
        }

        var attempts = await connection.QueryAsync<WebhookAttempt>(new CommandDefinition(
            """
            SELECT delivery_id AS DeliveryId, attempt AS Attempt, started_at AS StartedAt, duration_ms AS DurationMs,
                   status_code AS StatusCode, error AS Error
            FROM webhook_attempts WHERE delivery_id = @deliveryId ORDER BY attempt
            """,
            new { deliveryId }, cancellationToken: cancellationToken));
        return (delivery, [.. attempts]);
    }

    /// <summary>
    /// Queues new deliveries (fresh attempts, same event ids) to <paramref name="subscription"/> of the
    /// account's logged events that it wants, chosen by id or by time; returns how many. Dead-lettered or
    /// missed events are sent again this way; they join the end of the endpoint's queue.
    /// </summary>
    public async Task<int> ReplayAsync(
        WebhookSubscription subscription, IReadOnlyList<string>? eventIds, long? fromMs, long? toMs, int limit, CancellationToken cancellationToken)
    {
        var replay = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var types = subscription.Types;
        var all = types.Contains(WebhookSubscription.AllTypes);
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now;
        var filter = eventIds is not null ? "e.id IN @eventIds" : "(@fromMs IS NULL OR e.time >= @fromMs) AND (@toMs IS NULL OR e.time < @toMs)";
        var typeFilter = all ? "" : "AND e.type IN @types";
        var ids = (await connection.QueryAsync<(long Sequence, string Id)>(new CommandDefinition(
            $"""
            SELECT e.sequence, e.id FROM event_log e
            WHERE e.account_id = @account AND {filter} {typeFilter}
            ORDER BY e.sequence LIMIT @limit
            """,
            new { account = subscription.AccountId, eventIds, fromMs, toMs, types, limit }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (sequence, id) in ids)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO webhook_deliveries (id, subscription_id, account_id, event_sequence, event_id, status, attempts, next_attempt_at, created_at)
                VALUES (@deliveryId, @subscriptionId, @account, @sequence, @id, '{DeliveryStatus.Pending}', 0, @now, @now)
                """,
                new { deliveryId = $"{subscription.Id}:{id}:replay-{replay}", subscriptionId = subscription.Id, account = subscription.AccountId, sequence, id, now },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }

    // ---- the dispatcher's side ----

    /// <summary>Endpoints with pending deliveries that no instance holds and that are not waiting for a retry.</summary>
    public async Task<IReadOnlyList<string>> FindDueSubscriptionsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            SELECT s.id FROM webhook_subscriptions s
            WHERE s.deleted_at IS NULL AND s.blocked_until <= @now AND s.lease_until < @now
              AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = '{DeliveryStatus.Pending}')
            ORDER BY s.blocked_until LIMIT @limit
            """,
            new { now = Now, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Takes (or renews) the endpoint's lease for <paramref name="owner"/>; false when another instance holds it.</summary>
    public async Task<bool> TryLeaseAsync(string subscriptionId, string owner, int leaseMs, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        var now = Now;
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_subscriptions SET lease_owner = @owner, lease_until = @until
            WHERE id = @id AND deleted_at IS NULL AND (lease_until < @now OR lease_owner = @owner)
            """,
            new { id = subscriptionId, owner, now, until = now + leaseMs }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task ReleaseLeaseAsync(string subscriptionId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_subscriptions SET lease_until = 0 WHERE id = @id AND lease_owner = @owner",
            new { id = subscriptionId, owner }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// What several endpoint workers of <paramref name="owner"/> asked for at about the same time, in one
    /// transaction and one statement batch: every round's attempts and delivery states, each endpoint's
    /// <c>blocked_until</c> (when its round failed) and a renewed lease, then, for the workers that go on,
    /// their endpoint (with its secrets) and the head of its queue (pending deliveries in order, with the
    /// bodies to send). An endpoint that was deleted, waits for a retry or is no longer leased by
    /// <paramref name="owner"/> comes back without a subscription: its worker stops.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DeliveryRound>> ExecuteRoundsAsync(
        string owner, int leaseMs, int limit, IReadOnlyList<RoundRequest> requests, CancellationToken cancellationToken)
    {
        await using var connection = await events.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var now = Now;
        command.AddParameter("owner", owner, DbType.String);
        command.AddParameter("now", now, DbType.Int64);
        command.AddParameter("until", now + leaseMs, DbType.Int64);
        command.AddParameter("limit", limit, DbType.Int32);
        var sql = new StringBuilder();
        var outcomes = requests.SelectMany(r => r.Outcomes).ToList();
        if (outcomes.Count > 0)
        {
            var attempts = new StringBuilder();
            var states = new StringBuilder();
            for (var i = 0; i < outcomes.Count; i++)
            {
                var o = outcomes[i];
                var separator = i == 0 ? "" : ", ";
                attempts.Append(CultureInfo.InvariantCulture, $"{separator}(@d{i}, @a{i}, @s{i}, @u{i}, @c{i}, @e{i})");
                // Typed in every row: PostgreSQL cannot infer a type for a NULL parameter in a VALUES list.
                states.Append(CultureInfo.InvariantCulture,
                    $"{separator}(CAST(@d{i} AS TEXT), CAST(@st{i} AS TEXT), CAST(@a{i} AS INTEGER), CAST(@n{i} AS BIGINT), CAST(@c{i} AS INTEGER), CAST(@e{i} AS TEXT), CAST(@t{i} AS BIGINT))");
                command.AddParameter($"d{i}", o.DeliveryId, DbType.String);
                command.AddParameter($"a{i}", o.Attempt, DbType.Int32);
                command.AddParameter($"s{i}", o.StartedAt, DbType.Int64);
                command.AddParameter($"u{i}", o.DurationMs, DbType.Int64);
                command.AddParameter($"c{i}", o.StatusCode, DbType.Int32);
                command.AddParameter($"e{i}", o.Error, DbType.String);
                command.AddParameter($"st{i}", o.Status, DbType.String);
                command.AddParameter($"n{i}", o.NextAttemptAt, DbType.Int64);
                command.AddParameter($"t{i}", o.CompletedAt, DbType.Int64);
            }

            sql.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
                VALUES {attempts}
                ON CONFLICT (delivery_id, attempt) DO NOTHING;
                WITH v (id, status, attempts, next_attempt_at, last_status_code, last_error, completed_at) AS (VALUES {states})
                UPDATE webhook_deliveries SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
                    last_status_code = v.last_status_code, last_error = v.last_error, completed_at = v.completed_at
                FROM v WHERE webhook_deliveries.id = v.id AND webhook_deliveries.status = '{DeliveryStatus.Pending}';

                """);
        }

        // Every requesting endpoint's lease is renewed; a round that failed also sets when the endpoint may be
        // tried again (NULL: unchanged).
        var endpoints = new StringBuilder();
        for (var i = 0; i < requests.Count; i++)
        {
            endpoints.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}(CAST(@q{i} AS TEXT), CAST(@b{i} AS BIGINT))");
            command.AddParameter($"q{i}", requests[i].SubscriptionId, DbType.String);
            command.AddParameter($"b{i}", requests[i].BlockedUntilMs, DbType.Int64);
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            WITH v (id, blocked) AS (VALUES {endpoints})
            UPDATE webhook_subscriptions SET blocked_until = COALESCE(v.blocked, webhook_subscriptions.blocked_until), lease_until = @until
            FROM v WHERE webhook_subscriptions.id = v.id AND webhook_subscriptions.lease_owner = @owner;

            """);

        // Then the next rounds: the endpoints, and one indexed query per endpoint for the head of its queue.
        var fetches = requests.Select((r, i) => (Request: r, Index: i)).Where(x => x.Request.Fetch).ToList();
        if (fetches.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                SELECT {SubscriptionColumns} FROM webhook_subscriptions
                WHERE id IN ({string.Join(", ", fetches.Select(f => $"@q{f.Index}"))})
                  AND deleted_at IS NULL AND blocked_until <= @now AND lease_owner = @owner;

                """);
            foreach (var (_, index) in fetches)
            {
                sql.Append(CultureInfo.InvariantCulture, $"""
                    SELECT d.sequence AS Sequence, d.id AS Id, d.event_id AS EventId, e.type AS EventType, d.attempts AS Attempts,
                           e.created_at AS EventLoggedAt, e.body AS Body
                    FROM webhook_deliveries d JOIN event_log e ON e.sequence = d.event_sequence
                    WHERE d.subscription_id = @q{index} AND d.status = '{DeliveryStatus.Pending}'
                    ORDER BY d.sequence LIMIT @limit;

                    """);
            }
        }

        command.CommandText = sql.ToString();
        var rounds = new Dictionary<string, DeliveryRound>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (fetches.Count > 0)
            {
                // The writes come first; a provider may or may not show them as result sets without columns.
                await NextRowsAsync(reader, first: true, cancellationToken);
                var subscriptions = new Dictionary<string, WebhookSubscription>(StringComparer.Ordinal);
                var parseSubscription = reader.GetRowParser<WebhookSubscription>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    var subscription = parseSubscription(reader);
                    subscriptions[subscription.Id] = subscription;
                }

                foreach (var (request, _) in fetches)
                {
                    await NextRowsAsync(reader, first: false, cancellationToken);
                    var parseDelivery = reader.GetRowParser<QueuedDelivery>();
                    var queue = new List<QueuedDelivery>();
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        queue.Add(parseDelivery(reader));
                    }

                    var subscription = subscriptions.GetValueOrDefault(request.SubscriptionId);
                    rounds[request.SubscriptionId] = new DeliveryRound(subscription, subscription is null ? [] : queue);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rounds;
    }

    // Moves to the next result set that has columns (a SELECT's), past those of the writes.
    private static async Task NextRowsAsync(DbDataReader reader, bool first, CancellationToken cancellationToken)
    {
        if (!first && !await reader.NextResultAsync(cancellationToken))
        {
            throw new InvalidOperationException("The round batch returned fewer result sets than it has queries.");
        }

        while (reader.FieldCount == 0)
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The round batch returned fewer result sets than it has queries.");
            }
        }
    }
}

/// <summary>
/// One endpoint worker's request to <see cref="WebhookStore.ExecuteRoundsAsync"/>: the outcomes of the round
/// it sent (may be none), when the endpoint may be tried again if the round failed, and whether it wants its next round.
/// </summary>
public sealed record RoundRequest(string SubscriptionId, IReadOnlyList<AttemptOutcome> Outcomes, long? BlockedUntilMs, bool Fetch);

/// <summary>An endpoint worker's next round: the endpoint (null: stop) and the head of its queue.</summary>
public sealed record DeliveryRound(WebhookSubscription? Subscription, IReadOnlyList<QueuedDelivery> Queue);

/// <summary>What one attempt of one delivery came to, as <see cref="WebhookStore.ExecuteRoundsAsync"/> writes it.</summary>
public sealed record AttemptOutcome(
    string DeliveryId, int Attempt, long StartedAt, long DurationMs, int? StatusCode, string? Error, string Status, long NextAttemptAt, long? CompletedAt);
