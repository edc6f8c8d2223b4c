using Platform.Billing.Ledger;
using Platform.Billing.Prices;
using Platform.Billing.Usage;
using Xunit;

namespace Platform.Billing.Tests;

/// <summary>
/// The ledger's promises, checked the same way on both engines (see the two subclasses at the end).
/// Every test ends with the global invariant check: debits = credits, nobody below zero.
/// </summary>
public abstract class LedgerConformanceTests(Engine engine) : IAsyncLifetime
{
    protected LedgerHarness Harness { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Harness = await LedgerHarness.CreateAsync(engine);

    public async ValueTask DisposeAsync()
    {
        var check = await Harness.Store.CheckAsync(CancellationToken.None);
        await Harness.DisposeAsync();
        Assert.True(check.Ok, $"Ledger invariants broken: {check}");
    }

    [Fact]
    public async Task Deposit_reserve_and_partial_capture_move_exactly_the_amounts()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);

        var reserved = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 600, 60));
        Assert.Equal(LedgerOutcome.Applied, reserved.Outcome);
        Assert.Equal(400, reserved.Available);

        var captured = await Harness.SubmitAsync(new CaptureCommand(account, "c1", "r1", 250));
        Assert.Equal(LedgerOutcome.Applied, captured.Outcome);
        Assert.Equal(250, captured.Transfer!.Amount);
        Assert.Equal(350, captured.Returned);

        var balance = await Harness.BalanceAsync(account);
        Assert.Equal((1_000L, 250L, 0L, 750L), (balance.CreditsPosted, balance.DebitsPosted, balance.DebitsPending, balance.Available));
    }

    [Fact]
    public async Task A_replay_answers_the_first_result_and_a_different_body_is_a_conflict()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);
        var first = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));

        var again = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));
        var other = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 101, 60));
        var otherKind = await Harness.SubmitAsync(new DepositCommand(account, "r1", 100));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Transfer, again.Transfer);
        Assert.Equal(LedgerOutcome.IdempotencyConflict, other.Outcome);
        Assert.Equal(LedgerOutcome.IdempotencyConflict, otherKind.Outcome);
        Assert.Equal(900, (await Harness.BalanceAsync(account)).Available);
    }

    [Fact]
    public async Task A_refused_transfer_is_not_stored_so_a_retry_after_a_deposit_succeeds()
    {
        var account = await Harness.CreateAccountAsync(deposit: 50);

        var refused = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));
        Assert.Equal(LedgerOutcome.InsufficientCredits, refused.Outcome);
        Assert.Equal(50, refused.Available);
        Assert.Null(await Harness.Store.FindTransferAsync(account, "r1", CancellationToken.None));

        await Harness.SubmitAsync(new DepositCommand(account, "d2", 50));
        var retried = await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));
        Assert.Equal(LedgerOutcome.Applied, retried.Outcome);
        Assert.False(retried.Replayed);
        Assert.Equal(0, retried.Available);
    }

    [Fact]
    public async Task A_reservation_resolves_at_most_once()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);
        await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));

        var released = await Harness.SubmitAsync(new ReleaseCommand(account, "v1", "r1"));
        var capturedAfter = await Harness.SubmitAsync(new CaptureCommand(account, "c1", "r1", null));
        var releasedAgain = await Harness.SubmitAsync(new ReleaseCommand(account, "v2", "r1"));
        var releaseReplay = await Harness.SubmitAsync(new ReleaseCommand(account, "v1", "r1"));

        Assert.Equal((LedgerOutcome.Applied, 100L), (released.Outcome, released.Returned));
        Assert.Equal(LedgerOutcome.ReservationAlreadyResolved, capturedAfter.Outcome);
        Assert.Equal(LedgerOutcome.ReservationAlreadyResolved, releasedAgain.Outcome);
        Assert.True(releaseReplay.Replayed);
        Assert.Equal(1_000, (await Harness.BalanceAsync(account)).Available);
    }

    [Fact]
    public async Task Capturing_more_than_reserved_or_an_unknown_or_foreign_reservation_is_refused()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);
        var stranger = await Harness.CreateAccountAsync(deposit: 1_000);
        await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 60));

        Assert.Equal(LedgerOutcome.AmountExceedsReservation, (await Harness.SubmitAsync(new CaptureCommand(account, "c1", "r1", 101))).Outcome);
        Assert.Equal(LedgerOutcome.ReservationNotFound, (await Harness.SubmitAsync(new CaptureCommand(account, "c2", "nope", null))).Outcome);
        Assert.Equal(LedgerOutcome.ReservationNotFound, (await Harness.SubmitAsync(new CaptureCommand(stranger, "c3", "r1", null))).Outcome);
        Assert.Equal(LedgerOutcome.AccountNotFound, (await Harness.SubmitAsync(new ReserveCommand(Guid.NewGuid(), "r9", 1, 60))).Outcome);
        Assert.Equal(900, (await Harness.BalanceAsync(account)).Available);
        Assert.Equal(1_000, (await Harness.BalanceAsync(stranger)).Available);
    }

    [Fact]
    public async Task Expired_reservations_return_their_credits_through_the_sweeper_or_the_first_late_command()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);
        await Harness.SubmitAsync(new ReserveCommand(account, "r1", 100, 5));
        await Harness.SubmitAsync(new ReserveCommand(account, "r2", 200, 5));
        await Harness.SubmitAsync(new ReserveCommand(account, "r3", 300, 60));

        Assert.Equal(0, await Harness.Sweeper.SweepAsync(100, CancellationToken.None));
        Harness.Clock.Advance(TimeSpan.FromSeconds(6));

        var late = await Harness.SubmitAsync(new CaptureCommand(account, "c1", "r1", null));
        Assert.Equal(LedgerOutcome.ReservationExpired, late.Outcome);
        Assert.Equal(1, await Harness.Sweeper.SweepAsync(100, CancellationToken.None));
        Assert.Equal(0, await Harness.Sweeper.SweepAsync(100, CancellationToken.None));

        Assert.Equal(700, (await Harness.BalanceAsync(account)).Available);
        Assert.Equal(LedgerOutcome.ReservationAlreadyResolved, (await Harness.SubmitAsync(new CaptureCommand(account, "c2", "r2", null))).Outcome);
        Assert.Equal(LedgerOutcome.Applied, (await Harness.SubmitAsync(new CaptureCommand(account, "c3", "r3", null))).Outcome);
        Assert.Equal(700, (await Harness.BalanceAsync(account)).Available);
    }

    [Fact]
    public async Task Of_1000_concurrent_reservations_against_funds_for_100_exactly_100_succeed()
    {
        var account = await Harness.CreateAccountAsync(deposit: 100 * 7);
        // Two writers, as two Billing instances would be: the database's locks keep them honest.
        var second = await Harness.StartSecondWriterAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            (i % 2 == 0 ? Harness.Ledger : second).SubmitAsync(new ReserveCommand(account, $"r{i}", 7, 60), CancellationToken.None)));

        Assert.Equal(100, results.Count(r => r.Outcome == LedgerOutcome.Applied));
        Assert.Equal(900, results.Count(r => r.Outcome == LedgerOutcome.InsufficientCredits));
        var balance = await Harness.BalanceAsync(account);
        Assert.Equal((0L, 700L), (balance.Available, balance.DebitsPending));
    }

    [Fact]
    public async Task Concurrent_retries_of_one_transfer_apply_it_once()
    {
        var account = await Harness.CreateAccountAsync(deposit: 1_000);
        var second = await Harness.StartSecondWriterAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            (i % 2 == 0 ? Harness.Ledger : second).SubmitAsync(new ReserveCommand(account, "same", 10, 60), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(LedgerOutcome.Applied, r.Outcome));
        Assert.Equal(1, results.Count(r => !r.Replayed));
        Assert.Equal(990, (await Harness.BalanceAsync(account)).Available);
    }

    [Fact]
    public async Task Usage_is_charged_exactly_once_and_the_statement_reconciles()
    {
        var account = await Harness.CreateAccountAsync(deposit: 10_000_000);
        var prices = new PriceTable(
            new Dictionary<string, ModelPrice> { ["m"] = new(InputPerMillionTokens: 1_500_000, OutputPerMillionTokens: 6_000_000, EmbeddingPerMillionTokens: 20_000) },
            CadRenderPerSecond: 1_000,
            ToolCall: 500);
        var usage = new UsageQuantities("generation", "m", "run-1", 1_234, 567, 0, 0, 0, null);
        // 1234 x 1.5 + 567 x 6 = 1851 + 3402 = 5253 micro-credits exactly.
        var charge = PriceCalculator.Charge(usage, prices).Charge!.Value;
        Assert.Equal(5_253, charge);

        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var from = Harness.Clock.GetUtcNow();
        var first = await Harness.SubmitAsync(new RecordUsageCommand(account, "u1", usage, charge));
        var replay = await Harness.SubmitAsync(new RecordUsageCommand(account, "u1", usage, charge + 1));
        await Harness.SubmitAsync(new ReserveCommand(account, "r1", 1_000, 60));
        var covered = await Harness.SubmitAsync(new RecordUsageCommand(account, "u2", usage with { ReservationId = "r1" }, charge));
        await Harness.SubmitAsync(new CaptureCommand(account, "c1", "r1", 900));
        await Harness.SubmitAsync(new DepositCommand(account, "d2", 5_000));
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((LedgerOutcome.Applied, false, "u1"), (first.Outcome, first.Replayed, first.Usage!.TransferId));
        Assert.Equal((true, charge), (replay.Replayed, replay.Usage!.Charge));
        Assert.Null(covered.Usage!.TransferId);

        var statement = await new StatementBuilder(Harness.Store, Harness.Clock).BuildAsync(
            account, from, Harness.Clock.GetUtcNow().AddSeconds(1), CancellationToken.None);
        Assert.NotNull(statement);
        Assert.Equal((10_000_000L, 5_000L, 900L, charge), (statement.Opening, statement.Deposits, statement.Captures, statement.Charges));
        Assert.Equal(10_000_000 + 5_000 - 900 - charge, statement.Closing);
        Assert.True(statement.Reconciles, statement.Reconciliation);
        Assert.Equal(statement.Closing, (await Harness.BalanceAsync(account)).Posted);
    }

    [Fact]
    public async Task A_batch_mixing_many_accounts_and_commands_gives_each_its_own_answer()
    {
        var accounts = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            accounts.Add(await Harness.CreateAccountAsync(deposit: 100));
        }

        var commands = accounts.SelectMany(a => new LedgerCommand[]
        {
            new ReserveCommand(a, "r", 60, 60),
            new ReserveCommand(a, "r2", 60, 60),
            new CaptureCommand(a, "c", "r", 10),
            new ReserveCommand(a, "r3", 50, 60),
        }).ToList();
        var results = await Task.WhenAll(commands.Select(Harness.SubmitAsync));

        for (var i = 0; i < results.Length; i += 4)
        {
            Assert.Equal(LedgerOutcome.Applied, results[i].Outcome);
            Assert.Equal(LedgerOutcome.InsufficientCredits, results[i + 1].Outcome);
            Assert.Equal(LedgerOutcome.Applied, results[i + 2].Outcome);
            Assert.Equal(LedgerOutcome.Applied, results[i + 3].Outcome);
        }

        foreach (var account in accounts)
        {
            Assert.Equal(40, (await Harness.BalanceAsync(account)).Available);
        }
    }
}

public sealed class SqliteLedgerConformanceTests() : LedgerConformanceTests(Engine.Sqlite);

public sealed class PostgresLedgerConformanceTests() : LedgerConformanceTests(Engine.Postgres);
