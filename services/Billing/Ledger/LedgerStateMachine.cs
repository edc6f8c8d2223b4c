using Platform.Billing.Usage;

namespace Platform.Billing.Ledger;

/// <summary>
/// The ledger's rules, with no I/O: applies a batch of commands, in order, to the state a store
/// loaded and locked, and collects the rows to write. TigerBeetle semantics:
/// <list type="bullet">
/// <item>a customer's debits (posted + pending) never exceed its posted credits;</item>
/// <item>every transfer debits one account and credits another by the same amount, so debits equal credits;</item>
/// <item>a reservation (pending transfer) is resolved at most once: captured, released or expired;</item>
/// <item>same id + same body answers the first result (replayed); same id + other body is a conflict;</item>
/// <item>a refused command stores nothing, so a retry is evaluated afresh (e.g. after a deposit).</item>
/// </list>
/// Later commands in a batch see the effects of earlier ones, exactly as if each had its own transaction.
/// </summary>
public sealed class LedgerStateMachine(LedgerState state, long nowMs)
{
    public LedgerChanges Changes { get; } = new();

    public IReadOnlyList<LedgerResult> ApplyAll(IReadOnlyList<LedgerCommand> commands)
    {
        var results = new LedgerResult[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            results[i] = Apply(commands[i]);
        }

        return results;
    }

    public LedgerResult Apply(LedgerCommand command)
    {
        var key = new TransferKey(command.AccountId, command.TransferId);
        if (state.Transfers.TryGetValue(key, out var existing) || state.Usage.ContainsKey(key))
        {
            return Replay(command, key, existing);
        }

        if (!state.Accounts.TryGetValue(LedgerAccountIds.ForCustomer(command.AccountId), out var customer))
        {
            return LedgerResult.Fail(LedgerOutcome.AccountNotFound, $"No account '{command.AccountId}'.");
        }

        try
        {
            return command switch
            {
                DepositCommand deposit => Deposit(deposit, customer),
                ReserveCommand reserve => Reserve(reserve, customer),
                CaptureCommand capture => Resolve(capture, capture.ReservationId, TransferKind.Capture, capture.Amount, customer),
                ReleaseCommand release => Resolve(release, release.ReservationId, TransferKind.Release, null, customer),
                ExpireCommand expire => Resolve(expire, expire.ReservationId, TransferKind.Expire, null, customer),
                RecordUsageCommand usage => RecordUsage(usage, customer),
                _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown ledger command."),
            };
        }
        catch (OverflowException)
        {
            // Checked arithmetic runs before any balance is assigned, so nothing was changed.
            return LedgerResult.Fail(LedgerOutcome.Overflow, "The amount would overflow a balance.", customer.Available);
        }
    }

    private LedgerResult Replay(LedgerCommand command, TransferKey key, Transfer? existing)
    {
        state.Usage.TryGetValue(key, out var usage);
        var request = existing?.Request ?? usage!.Request;
        var available = state.Accounts.TryGetValue(LedgerAccountIds.ForCustomer(command.AccountId), out var customer)
            ? customer.Available
            : 0;
        if (!string.Equals(request, command.Request, StringComparison.Ordinal))
        {
            return LedgerResult.Fail(
                LedgerOutcome.IdempotencyConflict,
                $"Transfer '{command.TransferId}' already exists with a different body ({request}).",
                available);
        }

        long returned = 0;
        if (existing is { Kind: TransferKind.Release or TransferKind.Expire })
        {
            returned = existing.Amount;
        }
        else if (existing is { Kind: TransferKind.Capture, PendingId: { } pendingId }
            && state.Transfers.TryGetValue(new TransferKey(command.AccountId, pendingId), out var pending))
        {
            returned = pending.Amount - existing.Amount;
        }

        return new LedgerResult(LedgerOutcome.Applied, true, existing, available, returned, usage, "Replayed: the first result.");
    }

    private LedgerResult Deposit(DepositCommand command, LedgerBalance customer)
    {
        var source = state.Accounts[LedgerAccountIds.Operator];
        var transfer = NewTransfer(command, TransferKind.Deposit, source.Id, customer.Id, command.Amount, null, null);
        Post(source, customer, command.Amount);
        return Applied(transfer, customer);
    }

    private LedgerResult Reserve(ReserveCommand command, LedgerBalance customer)
    {
        if (customer.Available < command.Amount)
        {
            return InsufficientCredits(command.Amount, customer);
        }

        var revenue = state.Accounts[LedgerAccountIds.Revenue];
        var debitsPending = checked(customer.DebitsPending + command.Amount);
        var creditsPending = checked(revenue.CreditsPending + command.Amount);
        customer.DebitsPending = debitsPending;
        revenue.CreditsPending = creditsPending;
        var expiresAt = checked(nowMs + command.TimeoutSeconds * 1000L);
        var transfer = NewTransfer(command, TransferKind.Reserve, customer.Id, revenue.Id, command.Amount, null, expiresAt);
        var key = new TransferKey(command.AccountId, command.TransferId);
        state.OpenReservations.Add(key);
        Changes.OpenedReservations[key] = transfer;
        Touch(customer, revenue);
        return Applied(transfer, customer);
    }

    private LedgerResult Resolve(LedgerCommand command, string reservationId, TransferKind kind, long? amount, LedgerBalance customer)
    {
        var pendingKey = new TransferKey(command.AccountId, reservationId);
        if (!state.Transfers.TryGetValue(pendingKey, out var pending) || pending.Kind != TransferKind.Reserve)
        {
            return LedgerResult.Fail(LedgerOutcome.ReservationNotFound, $"No reservation '{reservationId}'.", customer.Available);
        }

        if (!state.OpenReservations.Contains(pendingKey))
        {
            return LedgerResult.Fail(
                LedgerOutcome.ReservationAlreadyResolved,
                $"Reservation '{reservationId}' was already captured, released or expired.",
                customer.Available);
        }

        var due = nowMs >= pending.ExpiresAtMs;
        if (kind == TransferKind.Expire && !due)
        {
            return LedgerResult.Fail(LedgerOutcome.ReservationNotFound, $"Reservation '{reservationId}' is not due yet.", customer.Available);
        }

        if (kind != TransferKind.Expire && due)
        {
            // Its time ran out before the sweeper came by: expire it now, as the sweeper would,
            // and refuse the late command. The expiry is a transfer of its own, not this one.
            Resolve(new ExpireCommand(command.AccountId, reservationId), reservationId, TransferKind.Expire, null, customer);
            return LedgerResult.Fail(
                LedgerOutcome.ReservationExpired,
                $"Reservation '{reservationId}' expired at {DateTimeOffset.FromUnixTimeMilliseconds(pending.ExpiresAtMs!.Value):O}.",
                customer.Available);
        }

        var captured = kind == TransferKind.Capture ? amount ?? pending.Amount : 0;
        if (captured > pending.Amount)
        {
            return LedgerResult.Fail(
                LedgerOutcome.AmountExceedsReservation,
                $"Cannot capture {captured}: reservation '{reservationId}' holds {pending.Amount}.",
                customer.Available);
        }

        var revenue = state.Accounts[pending.CreditAccount];
        // Pending goes away whole; the captured part becomes posted, the rest is simply no longer held.
        var customerDebitsPosted = checked(customer.DebitsPosted + captured);
        var revenueCreditsPosted = checked(revenue.CreditsPosted + captured);
        customer.DebitsPending -= pending.Amount;
        revenue.CreditsPending -= pending.Amount;
        customer.DebitsPosted = customerDebitsPosted;
        revenue.CreditsPosted = revenueCreditsPosted;

        state.OpenReservations.Remove(pendingKey);
        if (!Changes.OpenedReservations.Remove(pendingKey))
        {
            Changes.ClosedReservations.Add(pendingKey);
        }

        var moved = kind == TransferKind.Capture ? captured : pending.Amount;
        var transfer = NewTransfer(command, kind, customer.Id, revenue.Id, moved, reservationId, null);
        Touch(customer, revenue);
        return new LedgerResult(LedgerOutcome.Applied, false, transfer, customer.Available, pending.Amount - captured, null, "Applied.");
    }

    private LedgerResult RecordUsage(RecordUsageCommand command, LedgerBalance customer)
    {
        var reservationId = command.Usage.ReservationId;
        if (reservationId is not null)
        {
            var reservation = new TransferKey(command.AccountId, reservationId);
            if (!state.Transfers.TryGetValue(reservation, out var pending) || pending.Kind != TransferKind.Reserve)
            {
                return LedgerResult.Fail(LedgerOutcome.ReservationNotFound, $"No reservation '{reservationId}'.", customer.Available);
            }
        }

        Transfer? transfer = null;
        if (reservationId is null && command.Charge > 0)
        {
            if (customer.Available < command.Charge)
            {
                return InsufficientCredits(command.Charge, customer);
            }

            var revenue = state.Accounts[LedgerAccountIds.Revenue];
            transfer = NewTransfer(command, TransferKind.Charge, customer.Id, revenue.Id, command.Charge, null, null);
            Post(customer, revenue, command.Charge);
        }

        var usage = new UsageRecord(command.AccountId, command.TransferId, command.Usage, command.Charge, transfer?.Id, command.Request, nowMs);
        state.Usage[new TransferKey(command.AccountId, command.TransferId)] = usage;
        Changes.Usage.Add(usage);
        return new LedgerResult(LedgerOutcome.Applied, false, transfer, customer.Available, 0, usage, "Applied.");
    }

    /// <summary>A posted transfer: debit one account, credit the other, checked before either changes.</summary>
    private void Post(LedgerBalance debit, LedgerBalance credit, long amount)
    {
        var debits = checked(debit.DebitsPosted + amount);
        var credits = checked(credit.CreditsPosted + amount);
        debit.DebitsPosted = debits;
        credit.CreditsPosted = credits;
        Touch(debit, credit);
    }

    private Transfer NewTransfer(
        LedgerCommand command, TransferKind kind, string debit, string credit, long amount, string? pendingId, long? expiresAt)
    {
        var transfer = new Transfer(
            command.AccountId, command.TransferId, kind, debit, credit, amount, pendingId, expiresAt, command.Request, nowMs);
        state.Transfers[new TransferKey(command.AccountId, command.TransferId)] = transfer;
        Changes.Transfers.Add(transfer);
        return transfer;
    }

    private void Touch(LedgerBalance first, LedgerBalance second)
    {
        Changes.Accounts[first.Id] = first;
        Changes.Accounts[second.Id] = second;
    }

    private static LedgerResult Applied(Transfer transfer, LedgerBalance customer) =>
        new(LedgerOutcome.Applied, false, transfer, customer.Available, 0, null, "Applied.");

    private static LedgerResult InsufficientCredits(long requested, LedgerBalance customer) =>
        LedgerResult.Fail(
            LedgerOutcome.InsufficientCredits,
            $"Needs {requested} micro-credits; {customer.Available} available.",
            customer.Available) with { Requested = requested };
}
