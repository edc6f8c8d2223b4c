using System.Data.Common;
using Dapper;
using Platform.Billing.Alerts;
using Platform.Billing.Events;
using Platform.Billing.Ledger;
using Platform.Billing.Usage;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Billing.Storage;

/// <summary>
/// The ledger store's SQL, shared by both engines. A batch costs a fixed number of round trips
/// whatever its size: one multi-statement read (accounts first, locked), one multi-statement
/// write, one commit. The engines differ only in how the accounts are locked. With an
/// <paramref name="outbox"/>, the batch's integration events (<see cref="LedgerEvents"/>) are written
/// to it in the same transaction, so they exist exactly when the ledger change does.
/// </summary>
public abstract class SqlLedgerStore(Database database, TimeProvider clock, TransactionalOutbox? outbox = null) : ILedgerStore
{
    private const string TransferColumns =
        "account_id AS AccountId, id AS Id, kind AS Kind, debit_account AS DebitAccount, credit_account AS CreditAccount, " +
        "amount AS Amount, pending_id AS PendingId, expires_at AS ExpiresAtMs, request AS Request, created_at AS CreatedAtMs";

    protected Database Database { get; } = database;

    /// <summary>Appended to the account read: PostgreSQL's <c>FOR UPDATE</c>; nothing for SQLite, whose write transaction already excludes other writers.</summary>
    protected abstract string LockClause { get; }

    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task<IReadOnlyList<LedgerResult>> ApplyAsync(IReadOnlyList<LedgerCommand> commands, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var state = await LoadAsync(connection, transaction, commands, cancellationToken);
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var machine = new LedgerStateMachine(state, nowMs);
        var results = machine.ApplyAll(commands);
        if (!machine.Changes.IsEmpty)
        {
            var events = outbox is null ? null : LedgerEvents.Collect(state, machine.Changes, nowMs);
            await WriteAsync(connection, transaction, machine.Changes, events, cancellationToken);
            foreach (var message in events?.Events ?? [])
            {
                await outbox!.PublishAsync(message, connection, transaction, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private async Task<LedgerState> LoadAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<LedgerCommand> commands, CancellationToken cancellationToken)
    {
        // Sorted, so that two Billing instances lock the same rows in the same order and never deadlock.
        var accounts = new SortedSet<string>(StringComparer.Ordinal) { LedgerAccountIds.Operator, LedgerAccountIds.Revenue };
        var keys = new HashSet<TransferKey>();
        var reservations = new HashSet<TransferKey>();
        foreach (var command in commands)
        {
            accounts.Add(LedgerAccountIds.ForCustomer(command.AccountId));
            keys.Add(new TransferKey(command.AccountId, command.TransferId));
            var reservation = command switch
            {
                CaptureCommand capture => capture.ReservationId,
                ReleaseCommand release => release.ReservationId,
                ExpireCommand expire => expire.ReservationId,
                RecordUsageCommand usage => usage.Usage.ReservationId,
                _ => null,
            };
            if (reservation is not null)
            {
                var key = new TransferKey(command.AccountId, reservation);
                keys.Add(key);
                reservations.Add(key);
            }
        }

        // The accounts come first: every later statement reads after their locks are held.
        // VALUES columns are column1, column2 on both engines.
        var sql = new SqlText();
        var keysTable = sql.Keys(keys);
        sql.Append($"""
            SELECT id, debits_must_not_exceed_credits, debits_pending, debits_posted, credits_pending, credits_posted
            FROM ledger_accounts WHERE id IN {sql.In(accounts)} ORDER BY id {LockClause};
            SELECT t.account_id, t.id, t.kind, t.debit_account, t.credit_account, t.amount, t.pending_id, t.expires_at, t.request, t.created_at
            FROM {keysTable} AS k JOIN transfers t ON t.account_id = k.column1 AND t.id = k.column2;
            SELECT o.account_id, o.transfer_id
            FROM {sql.Keys(reservations)} AS k JOIN open_reservations o ON o.account_id = k.column1 AND o.transfer_id = k.column2;
            SELECT u.account_id, u.id, u.kind, u.model, u.run_id, u.reservation_id, u.input_tokens, u.output_tokens, u.embedding_tokens,
                   u.render_ms, u.tool_calls, u.charge, u.transfer_id, u.request, u.created_at
            FROM {keysTable} AS k JOIN usage_records u ON u.account_id = k.column1 AND u.id = k.column2;
            SELECT account_id, threshold, armed FROM low_balance_alerts WHERE account_id IN {sql.In(accounts)};
            """);

        var state = new LedgerState();
        await using var load = sql.ToCommand(connection, transaction);
        await using var reader = await load.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var balance = new LedgerBalance(reader.GetString(0), Convert.ToInt64(reader.GetValue(1)) == 1)
            {
                DebitsPending = reader.GetInt64(2),
                DebitsPosted = reader.GetInt64(3),
                CreditsPending = reader.GetInt64(4),
                CreditsPosted = reader.GetInt64(5),
            };
            state.Accounts[balance.Id] = balance;
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var transfer = new Transfer(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                TransferKinds.Parse(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.GetString(8),
                reader.GetInt64(9));
            state.Transfers[new TransferKey(transfer.AccountId, transfer.Id)] = transfer;
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state.OpenReservations.Add(new TransferKey(Guid.Parse(reader.GetString(0)), reader.GetString(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            var usage = new UsageRecord(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                new UsageQuantities(
                    reader.GetString(2), Text(3), Text(4), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                    reader.GetInt64(9), reader.GetInt64(10), Text(5)),
                reader.GetInt64(11),
                Text(12),
                reader.GetString(13),
                reader.GetInt64(14));
            state.Usage[new TransferKey(usage.AccountId, usage.Id)] = usage;
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var alert = new LowBalanceAlert
            {
                AccountId = reader.GetString(0),
                Threshold = reader.GetInt64(1),
                Armed = Convert.ToInt64(reader.GetValue(2)) == 1,
            };
            state.LowBalanceAlerts[alert.AccountId] = alert;
        }

        if (!state.Accounts.ContainsKey(LedgerAccountIds.Operator) || !state.Accounts.ContainsKey(LedgerAccountIds.Revenue))
        {
            throw new InvalidOperationException("The ledger's system accounts are missing: migrations did not run.");
        }

        return state;
    }

    private static async Task WriteAsync(
        DbConnection connection, DbTransaction transaction, LedgerChanges changes, LedgerEventBatch? events, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var P = sql.P;

        foreach (var (accountId, armed) in events?.AlertChanges ?? [])
        {
            sql.Append("UPDATE low_balance_alerts SET armed = ").Append(P(armed ? 1 : 0)).Append(" WHERE account_id = ").Append(P(accountId)).Append(";\n");
        }

        if (changes.Transfers.Count > 0)
        {
            sql.Append("INSERT INTO transfers (account_id, id, kind, debit_account, credit_account, amount, pending_id, expires_at, request, created_at) VALUES ");
            var first = true;
            foreach (var t in changes.Transfers)
            {
                sql.Append(first ? "(" : ",(")
                    .Append(P(t.AccountId.ToString("D"))).Append(",").Append(P(t.Id)).Append(",").Append(P(t.Kind.ToText())).Append(",")
                    .Append(P(t.DebitAccount)).Append(",").Append(P(t.CreditAccount)).Append(",").Append(P(t.Amount)).Append(",")
                    .Append(P(t.PendingId)).Append(",").Append(P(t.ExpiresAtMs)).Append(",").Append(P(t.Request)).Append(",")
                    .Append(P(t.CreatedAtMs)).Append(")");
                first = false;
            }

            sql.Append(";\n");
        }

        foreach (var account in changes.Accounts.Values)
        {
            sql.Append("UPDATE ledger_accounts SET debits_pending = ").Append(P(account.DebitsPending))
                .Append(", debits_posted = ").Append(P(account.DebitsPosted))
                .Append(", credits_pending = ").Append(P(account.CreditsPending))
                .Append(", credits_posted = ").Append(P(account.CreditsPosted))
                .Append(" WHERE id = ").Append(P(account.Id)).Append(";\n");
        }

        if (changes.OpenedReservations.Count > 0)
        {
            sql.Append("INSERT INTO open_reservations (account_id, transfer_id, amount, expires_at) VALUES ");
            var first = true;
            foreach (var (key, reserve) in changes.OpenedReservations)
            {
                sql.Append(first ? "(" : ",(").Append(P(key.AccountId.ToString("D"))).Append(",").Append(P(key.Id))
                    .Append(",").Append(P(reserve.Amount)).Append(",").Append(P(reserve.ExpiresAtMs)).Append(")");
                first = false;
            }

            sql.Append(";\n");
        }

        // One statement per account, not per reservation: a batch closes hundreds at a time.
        foreach (var closed in changes.ClosedReservations.GroupBy(k => k.AccountId))
        {
            sql.Append("DELETE FROM open_reservations WHERE account_id = ").Append(P(closed.Key.ToString("D")))
                .Append(" AND transfer_id IN ").Append(sql.In(closed.Select(k => k.Id))).Append(";\n");
        }

        if (changes.Usage.Count > 0)
        {
            sql.Append("""
                INSERT INTO usage_records (account_id, id, kind, model, run_id, reservation_id, input_tokens, output_tokens,
                    embedding_tokens, render_ms, tool_calls, charge, transfer_id, request, created_at) VALUES 
                """);
            var first = true;
            foreach (var u in changes.Usage)
            {
                var q = u.Quantities;
                sql.Append(first ? "(" : ",(")
                    .Append(P(u.AccountId.ToString("D"))).Append(",").Append(P(u.Id)).Append(",").Append(P(q.Kind)).Append(",")
                    .Append(P(q.Model)).Append(",").Append(P(q.RunId)).Append(",").Append(P(q.ReservationId)).Append(",")
                    .Append(P(q.InputTokens)).Append(",").Append(P(q.OutputTokens)).Append(",").Append(P(q.EmbeddingTokens)).Append(",")
                    .Append(P(q.RenderMilliseconds)).Append(",").Append(P(q.ToolCalls)).Append(",").Append(P(u.Charge)).Append(",")
                    .Append(P(u.TransferId)).Append(",").Append(P(u.Request)).Append(",").Append(P(u.CreatedAtMs)).Append(")");
                first = false;
            }

            sql.Append(";\n");
        }

        await using var command = sql.ToCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<LedgerBalance?> FindBalanceAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<BalanceRow>(new CommandDefinition(
            """
            SELECT id AS Id, debits_must_not_exceed_credits AS Limited, debits_pending AS DebitsPending, debits_posted AS DebitsPosted,
                   credits_pending AS CreditsPending, credits_posted AS CreditsPosted
            FROM ledger_accounts WHERE id = @id
            """,
            new { id = LedgerAccountIds.ForCustomer(accountId) },
            cancellationToken: cancellationToken));
        return row?.ToBalance();
    }

    public async Task<Transfer?> FindTransferAsync(Guid accountId, string transferId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TransferRow>(new CommandDefinition(
            $"SELECT {TransferColumns} FROM transfers WHERE account_id = @account AND id = @transferId",
            new { account = accountId.ToString("D"), transferId },
            cancellationToken: cancellationToken));
        return row?.ToTransfer();
    }

    public async Task<IReadOnlyList<Transfer>> ListTransfersAsync(TransferQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TransferRow>(new CommandDefinition(
            $"""
            SELECT {TransferColumns} FROM transfers
            WHERE account_id = @account AND created_at >= @from AND created_at < @to
              AND (@kind IS NULL OR kind = @kind)
              AND (@reservation IS NULL OR id = @reservation OR pending_id = @reservation)
              AND (@afterMs IS NULL OR created_at > @afterMs OR (created_at = @afterMs AND id > @afterId))
            ORDER BY created_at, id LIMIT @limit
            """,
            new
            {
                account = query.AccountId.ToString("D"),
                from = query.FromMs,
                to = query.ToMs,
                kind = query.Kind?.ToText(),
                reservation = query.ReservationId,
                afterMs = query.AfterMs,
                afterId = query.AfterId ?? "",
                limit = query.Limit,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToTransfer())];
    }

    public async Task<IReadOnlyList<TransferKey>> FindDueReservationsAsync(long nowMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OpenRow>(new CommandDefinition(
            """
            SELECT account_id AS AccountId, transfer_id AS TransferId FROM open_reservations
            WHERE expires_at <= @nowMs ORDER BY expires_at LIMIT @limit
            """,
            new { nowMs, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new TransferKey(Guid.Parse(r.AccountId), r.TransferId))];
    }

    public async Task<IReadOnlyDictionary<TransferKind, long>> SumPostedAsync(
        Guid accountId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<KindSumRow>(new CommandDefinition(
            """
            SELECT kind AS Kind, SUM(amount) AS Total FROM transfers
            WHERE account_id = @account AND created_at >= @fromMs AND created_at < @toMs AND kind IN ('deposit', 'capture', 'charge')
            GROUP BY kind
            """,
            new { account = accountId.ToString("D"), fromMs, toMs },
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => TransferKinds.Parse(r.Kind), r => (long)r.Total);
    }

    public async Task<LedgerCheck> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        // One statement, so both sums come from the same snapshot.
        var row = await connection.QuerySingleAsync<CheckRow>(new CommandDefinition(
            """
            SELECT COALESCE(SUM(debits_pending), 0) AS DebitsPending,
                   COALESCE(SUM(credits_pending), 0) AS CreditsPending,
                   COALESCE(SUM(debits_posted), 0) AS DebitsPosted,
                   COALESCE(SUM(credits_posted), 0) AS CreditsPosted,
                   COALESCE(SUM(CASE WHEN debits_must_not_exceed_credits = 1 AND debits_posted + debits_pending > credits_posted THEN 1 ELSE 0 END), 0) AS NegativeCustomers,
                   COALESCE(SUM(CASE WHEN debits_must_not_exceed_credits = 1 THEN debits_pending ELSE 0 END), 0) AS CustomerDebitsPending,
                   (SELECT COALESCE(SUM(amount), 0) FROM open_reservations) AS OpenReservationsTotal,
                   COUNT(*) AS Accounts
            FROM ledger_accounts
            """,
            cancellationToken: cancellationToken));
        return new LedgerCheck(
            row.DebitsPending, row.CreditsPending, row.DebitsPosted, row.CreditsPosted,
            (long)row.NegativeCustomers, row.CustomerDebitsPending, row.OpenReservationsTotal, (long)row.Accounts);
    }

    private sealed class BalanceRow
    {
        public string Id { get; set; } = "";
        public long Limited { get; set; }
        public long DebitsPending { get; set; }
        public long DebitsPosted { get; set; }
        public long CreditsPending { get; set; }
        public long CreditsPosted { get; set; }

        public LedgerBalance ToBalance() => new(Id, Limited == 1)
        {
            DebitsPending = DebitsPending,
            DebitsPosted = DebitsPosted,
            CreditsPending = CreditsPending,
            CreditsPosted = CreditsPosted,
        };
    }

    private sealed class TransferRow
    {
        public string AccountId { get; set; } = "";
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string DebitAccount { get; set; } = "";
        public string CreditAccount { get; set; } = "";
        public long Amount { get; set; }
        public string? PendingId { get; set; }
        public long? ExpiresAtMs { get; set; }
        public string Request { get; set; } = "";
        public long CreatedAtMs { get; set; }

        public Transfer ToTransfer() => new(
            Guid.Parse(AccountId), Id, TransferKinds.Parse(Kind), DebitAccount, CreditAccount, Amount, PendingId, ExpiresAtMs, Request, CreatedAtMs);
    }

    private sealed class OpenRow
    {
        public string AccountId { get; set; } = "";
        public string TransferId { get; set; } = "";
    }

    private sealed class KindSumRow
    {
        public string Kind { get; set; } = "";
        public decimal Total { get; set; }
    }

    private sealed class CheckRow
    {
        public decimal DebitsPending { get; set; }
        public decimal CreditsPending { get; set; }
        public decimal DebitsPosted { get; set; }
        public decimal CreditsPosted { get; set; }
        public decimal NegativeCustomers { get; set; }
        public decimal CustomerDebitsPending { get; set; }
        public decimal OpenReservationsTotal { get; set; }
        public decimal Accounts { get; set; }
    }
}
