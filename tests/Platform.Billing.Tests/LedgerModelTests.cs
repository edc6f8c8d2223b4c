using FsCheck;
using FsCheck.Fluent;
using Platform.Billing.Ledger;
using Platform.Billing.Usage;
using Xunit;

namespace Platform.Billing.Tests;

/// <summary>
/// Model-based: random sequences of deposits, reservations, partial and full captures, releases,
/// charges, clock jumps with sweeps, and replays (same and different bodies) run against the real
/// store and against <see cref="ReferenceLedger"/>, a few lines of plain arithmetic written
/// independently of the state machine. After every step the outcome, the account's balances and
/// the global invariants (debits = credits, nobody below zero) must agree.
/// </summary>
public abstract class LedgerModelTests(Engine engine) : IAsyncLifetime
{
    private LedgerHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await LedgerHarness.CreateAsync(engine);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    /// <summary>One step: <see cref="Kind"/> picks the operation (by range), the rest parameterise it.</summary>
    public sealed record Step(int Kind, int A, int B, int C);

    [Fact]
    public void Random_operation_sequences_agree_with_the_reference_model_after_every_step()
    {
        var step =
            from kind in Gen.Choose(0, 99)
            from a in Gen.Choose(1, 1500)
            from b in Gen.Choose(0, 1000)
            from c in Gen.Choose(0, 1000)
            select new Step(kind, a, b, c);
        var sequences = Gen.Choose(5, 30).SelectMany(n => Gen.ArrayOf(step, n)).ToArbitrary();

        Prop.ForAll(sequences, steps =>
        {
            RunAsync(steps).GetAwaiter().GetResult();
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(engine == Engine.Sqlite ? 40 : 25));
    }

    private async Task RunAsync(Step[] steps)
    {
        var account = await _harness.CreateAccountAsync();
        var model = new ReferenceLedger();
        var sent = new List<LedgerCommand>();
        var reservations = new List<string>();
        var log = new List<string>();
        var n = 0;

        foreach (var step in steps)
        {
            var id = $"t{n++}";
            LedgerCommand? command = step.Kind switch
            {
                < 15 => new DepositCommand(account, id, step.A),
                < 40 => new ReserveCommand(account, id, step.A, 1 + step.B % 20),
                < 55 => new CaptureCommand(account, id, Pick(reservations, step.B) ?? "missing", step.C % 3 == 0 ? null : 1 + step.C % 1200),
                < 65 => new ReleaseCommand(account, id, Pick(reservations, step.B) ?? "missing"),
                < 73 => new RecordUsageCommand(account, id, new UsageQuantities("tool-call", null, null, 0, 0, 0, 0, 1 + step.B % 5, null), (1 + step.B % 5) * 100L),
                < 85 => Pick(sent, step.B),
                < 92 => Pick(sent, step.B) is { } earlier ? Different(earlier) : null,
                _ => null,
            };

            if (command is null)
            {
                var seconds = 1 + step.A % 15;
                _harness.Clock.Advance(TimeSpan.FromSeconds(seconds));
                model.Advance(seconds * 1000L);
                await _harness.Sweeper.SweepAsync(1000, CancellationToken.None);
                model.Sweep();
                log.Add($"advance {seconds}s + sweep");
            }
            else
            {
                var expected = model.Apply(command);
                var actual = await _harness.SubmitAsync(command);
                log.Add($"{command} -> {actual.Outcome}{(actual.Replayed ? " (replayed)" : "")}");
                Assert.True(
                    (expected.Outcome, expected.Replayed) == (actual.Outcome, actual.Replayed),
                    $"Expected {expected.Outcome} (replayed {expected.Replayed}), got {actual.Outcome} (replayed {actual.Replayed}).\n{string.Join('\n', log)}");
                if (actual.Succeeded && !actual.Replayed)
                {
                    sent.Add(command);
                    if (command is ReserveCommand)
                    {
                        reservations.Add(command.TransferId);
                    }
                }
                else if (!actual.Succeeded && sent.Count < 3)
                {
                    // Refused commands are worth replaying too: they must be evaluated afresh.
                    sent.Add(command);
                }
            }

            var balance = await _harness.BalanceAsync(account);
            Assert.True(
                (model.CreditsPosted, model.DebitsPosted, model.DebitsPending) == (balance.CreditsPosted, balance.DebitsPosted, balance.DebitsPending),
                $"Model ({model.CreditsPosted}, {model.DebitsPosted}, {model.DebitsPending}) != store ({balance.CreditsPosted}, {balance.DebitsPosted}, {balance.DebitsPending}).\n{string.Join('\n', log)}");
            Assert.True(balance.Available >= 0, "Available went below zero.");
            var check = await _harness.Store.CheckAsync(CancellationToken.None);
            Assert.True(check.Ok, $"Invariants broken: {check}\n{string.Join('\n', log)}");
        }
    }

    private static T? Pick<T>(List<T> items, int seed) where T : class => items.Count == 0 ? null : items[seed % items.Count];

    private static LedgerCommand Different(LedgerCommand command) => command switch
    {
        DepositCommand d => d with { Amount = d.Amount + 1 },
        ReserveCommand r => r with { Amount = r.Amount + 1 },
        CaptureCommand c => c with { Amount = (c.Amount ?? 0) + 1 },
        ReleaseCommand r => new DepositCommand(r.AccountId, r.TransferId, 1),
        RecordUsageCommand u => u with { Usage = u.Usage with { ToolCalls = u.Usage.ToolCalls + 1 } },
        _ => command,
    };
}

/// <summary>
/// The reference: the ledger's rules for one account as plain bookkeeping, independent of the
/// state machine's data structures.
/// </summary>
public sealed class ReferenceLedger
{
    private readonly Dictionary<string, (LedgerCommand Command, bool Applied)> _ids = [];
    private readonly Dictionary<string, (long Amount, long ExpiresAt, bool Open)> _reservations = [];
    private long _now;

    public long CreditsPosted { get; private set; }

    public long DebitsPosted { get; private set; }

    public long DebitsPending => _reservations.Values.Where(r => r.Open).Sum(r => r.Amount);

    private long Available => CreditsPosted - DebitsPosted - DebitsPending;

    public void Advance(long ms) => _now += ms;

    public void Sweep()
    {
        foreach (var (id, r) in _reservations.ToList())
        {
            if (r.Open && _now >= r.ExpiresAt)
            {
                _reservations[id] = r with { Open = false };
            }
        }
    }

    public (LedgerOutcome Outcome, bool Replayed) Apply(LedgerCommand command)
    {
        if (_ids.TryGetValue(command.TransferId, out var first))
        {
            return first.Command == command ? (LedgerOutcome.Applied, true) : (LedgerOutcome.IdempotencyConflict, false);
        }

        var outcome = Evaluate(command);
        if (outcome == LedgerOutcome.Applied)
        {
            _ids[command.TransferId] = (command, true);
        }

        return (outcome, false);
    }

    private LedgerOutcome Evaluate(LedgerCommand command)
    {
        switch (command)
        {
            case DepositCommand deposit:
                CreditsPosted += deposit.Amount;
                return LedgerOutcome.Applied;
            case ReserveCommand reserve:
                if (Available < reserve.Amount)
                {
                    return LedgerOutcome.InsufficientCredits;
                }

                _reservations[reserve.TransferId] = (reserve.Amount, _now + reserve.TimeoutSeconds * 1000L, true);
                return LedgerOutcome.Applied;
            case CaptureCommand capture:
                return Resolve(capture.ReservationId, capture.Amount, isCapture: true);
            case ReleaseCommand release:
                return Resolve(release.ReservationId, null, isCapture: false);
            case RecordUsageCommand usage:
                if (Available < usage.Charge)
                {
                    return LedgerOutcome.InsufficientCredits;
                }

                DebitsPosted += usage.Charge;
                return LedgerOutcome.Applied;
            default:
                throw new ArgumentOutOfRangeException(nameof(command));
        }
    }

    private LedgerOutcome Resolve(string reservationId, long? amount, bool isCapture)
    {
        if (!_reservations.TryGetValue(reservationId, out var r))
        {
            return LedgerOutcome.ReservationNotFound;
        }

        if (!r.Open)
        {
            return LedgerOutcome.ReservationAlreadyResolved;
        }

        if (_now >= r.ExpiresAt)
        {
            _reservations[reservationId] = r with { Open = false };
            return LedgerOutcome.ReservationExpired;
        }

        if (isCapture && amount > r.Amount)
        {
            return LedgerOutcome.AmountExceedsReservation;
        }

        _reservations[reservationId] = r with { Open = false };
        if (isCapture)
        {
            DebitsPosted += amount ?? r.Amount;
        }

        return LedgerOutcome.Applied;
    }
}

public sealed class SqliteLedgerModelTests() : LedgerModelTests(Engine.Sqlite);

public sealed class PostgresLedgerModelTests() : LedgerModelTests(Engine.Postgres);
