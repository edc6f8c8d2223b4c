using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Benchmarks.Framework;
using Platform.Billing.Accounts;
using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>
/// Reserve+capture pairs per second through the bus (ReserveCredits then CaptureCredits, request
/// clients over RabbitMQ) into the Billing module on PostgreSQL, from many concurrent callers.
/// Baseline, same run, same database server: PostgreSQL's single-row autocommit INSERT rate.
/// Two ways through the bus: one message per command, and batch messages (ReserveCreditsBatch,
/// CaptureCreditsBatch) filled by a coalescing client from the same concurrent callers.
/// Headline: pairs/s through the bus with batch messages; ratio: headline / single-row commits/s
/// (one connection). Also reported: the ledger alone (commands straight into the batcher, no
/// bus), to show where the time goes.
/// </summary>
public sealed class BillingScenario : IScenario
{
    private const int Callers = 512;
    private const int Accounts = 16;
    private const int BaselineConnections = 32;
    private const int BatchItems = 500;
    private const int BatchesInFlight = 2;

    public string Name => "billing";

    public string Description => "reserve+capture pairs/s through the bus into the PostgreSQL ledger vs PostgreSQL single-row commits/s";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var (warmUp, duration) = context.Quick
            ? (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3))
            : (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));

        var rabbit = RabbitMqEnvironment.FromEnvironment();
        await rabbit.EnsureReachableAsync(ct);
        await using var postgres = await PostgresEnvironment.CreateAsync(ct);
        await using var vhost = await rabbit.CreateVirtualHostAsync("bench-billing", ct);
        context.Progress.WriteLine($"RabbitMQ {rabbit.Host}:{rabbit.Port} vhost '{vhost.Name}', PostgreSQL databases '{postgres.Prefix}*' (both deleted at the end)");

        await using var host = await BillingHost.StartAsync(rabbit, vhost.Name, postgres, prefetch: Callers, ct);
        var batcher = host.Billing.Services.GetRequiredService<LedgerBatcher>();
        var accounts = await CreateAccountsAsync(host, batcher, ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var counter = 0L;
        string NextId() => $"{run}-{Interlocked.Increment(ref counter)}";

        context.Progress.WriteLine($"baseline: single-row autocommit INSERTs, 1 connection then {BaselineConnections}, {duration.TotalSeconds:0} s each");
        var ledgerDatabase = postgres.ConnectionStringFor("billing");
        var singleCommit = await SingleRowCommitBaseline.MeasureAsync(ledgerDatabase, 1, warmUp, duration, ct);
        var concurrentCommit = await SingleRowCommitBaseline.MeasureAsync(ledgerDatabase, BaselineConnections, warmUp, duration, ct);

        context.Progress.WriteLine($"ledger alone: {Callers} callers, reserve+capture straight into the batcher, {duration.TotalSeconds:0} s");
        var direct = await LoadRunner.ConcurrentAsync(
            [.. Enumerable.Range(0, Callers).Select(i => DirectPair(batcher, accounts[i % Accounts], NextId))], warmUp, duration, ct);

        context.Progress.WriteLine($"through the bus: {Callers} callers, ReserveCredits then CaptureCredits, {duration.TotalSeconds:0} s");
        var scopes = new List<AsyncServiceScope>();
        var callers = new List<Operation>();
        for (var i = 0; i < Callers; i++)
        {
            var scope = host.Client.Services.CreateAsyncScope();
            scopes.Add(scope);
            callers.Add(BusPair(scope.ServiceProvider, accounts[i % Accounts], NextId));
        }

        var bus = await LoadRunner.ConcurrentAsync(callers, warmUp, duration, ct);

        context.Progress.WriteLine(
            $"through the bus, batch messages: {Callers} callers, up to {BatchItems} commands per message, {BatchesInFlight} in flight, {duration.TotalSeconds:0} s");
        var batchScope = host.Client.Services.CreateAsyncScope();
        scopes.Add(batchScope);
        var reserveBatch = batchScope.ServiceProvider.GetRequiredService<IRequestClient<ReserveCreditsBatch>>();
        var captureBatch = batchScope.ServiceProvider.GetRequiredService<IRequestClient<CaptureCreditsBatch>>();
        await using var reserves = new CoalescingRequestClient<ReserveCredits, ReserveCreditsOutcome>(
            async (items, token) => (await reserveBatch.GetResponse<ReserveCreditsBatchResult>(new ReserveCreditsBatch(items), token)).Message.Items,
            BatchItems,
            BatchesInFlight);
        await using var captures = new CoalescingRequestClient<CaptureCredits, CaptureCreditsOutcome>(
            async (items, token) => (await captureBatch.GetResponse<CaptureCreditsBatchResult>(new CaptureCreditsBatch(items), token)).Message.Items,
            BatchItems,
            BatchesInFlight);
        var batched = await LoadRunner.ConcurrentAsync(
            [.. Enumerable.Range(0, Callers).Select(i => BatchedPair(reserves, captures, accounts[i % Accounts], NextId))], warmUp, duration, ct);

        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        var check = await host.Billing.Services.GetRequiredService<Platform.Billing.Storage.ILedgerStore>().CheckAsync(ct);
        if (!check.Ok)
        {
            throw new InvalidOperationException($"Ledger invariants broken after the run: {check}");
        }

        return new BillingResultBuilder(Callers, BaselineConnections).Build(Name, batched, bus, direct, singleCommit, concurrentCommit);
    }

    private static async Task<Guid[]> CreateAccountsAsync(BillingHost host, LedgerBatcher batcher, CancellationToken ct)
    {
        var store = host.Billing.Services.GetRequiredService<AccountStore>();
        var accounts = new Guid[Accounts];
        for (var i = 0; i < accounts.Length; i++)
        {
            accounts[i] = (await store.CreateAccountAsync($"bench-{i}", ct)).Id;
            var deposit = await batcher.SubmitAsync(new DepositCommand(accounts[i], "bench-deposit", LedgerLimits.MaxAmount), ct);
            if (!deposit.Succeeded)
            {
                throw new InvalidOperationException($"Deposit failed: {deposit.Outcome}");
            }
        }

        return accounts;
    }

    private static Operation DirectPair(LedgerBatcher batcher, Guid account, Func<string> nextId) => async ct =>
    {
        var id = nextId();
        var reserved = await batcher.SubmitAsync(new ReserveCommand(account, id, 1_000, 300), ct);
        var captured = await batcher.SubmitAsync(new CaptureCommand(account, id + "-c", id, 600), ct);
        if (!reserved.Succeeded || !captured.Succeeded)
        {
            throw new InvalidOperationException($"Pair {id} failed: {reserved.Outcome}, {captured.Outcome}");
        }
    };

    private static Operation BatchedPair(
        CoalescingRequestClient<ReserveCredits, ReserveCreditsOutcome> reserves,
        CoalescingRequestClient<CaptureCredits, CaptureCreditsOutcome> captures,
        Guid account,
        Func<string> nextId) => async _ =>
    {
        var id = nextId();
        var reserved = await reserves.SendAsync(new ReserveCredits(id, account, 1_000, 300));
        if (reserved.Reserved is null)
        {
            throw new InvalidOperationException($"Reservation {id} was refused: {reserved}");
        }

        var captured = await captures.SendAsync(new CaptureCredits(id + "-c", account, id, 600));
        if (captured.Captured is null)
        {
            throw new InvalidOperationException($"Capture of {id} was refused: {captured}");
        }
    };

    private static Operation BusPair(IServiceProvider services, Guid account, Func<string> nextId)
    {
        var reserve = services.GetRequiredService<IRequestClient<ReserveCredits>>();
        var capture = services.GetRequiredService<IRequestClient<CaptureCredits>>();
        return async ct =>
        {
            var id = nextId();
            var reserved = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits(id, account, 1_000, 300), ct);
            if (!reserved.Is(out Response<CreditsReserved>? _))
            {
                throw new InvalidOperationException($"Reservation {id} was refused: {reserved.Message}");
            }

            var captured = await capture.GetResponse<CreditsCaptured, LedgerRejected>(new CaptureCredits(id + "-c", account, id, 600), ct);
            if (!captured.Is(out Response<CreditsCaptured>? _))
            {
                throw new InvalidOperationException($"Capture of {id} was refused: {captured.Message}");
            }
        };
    }
}
