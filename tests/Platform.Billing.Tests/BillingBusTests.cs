using MassTransit;
using Platform.Contracts.Billing;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Billing.Tests;

/// <summary>The bus commands against Billing as its own process, over real RabbitMQ, on PostgreSQL.</summary>
public sealed class BillingBusTests(PostgresBillingProcess billing) : IClassFixture<PostgresBillingProcess>, IAsyncLifetime
{
    private IBusControl _bus = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(
            TestServers.RabbitMqHost, (ushort)TestServers.RabbitMqPort, billing.VirtualHost!.Name, host =>
            {
                host.Username(TestServers.RabbitMqUser);
                host.Password(TestServers.RabbitMqPassword);
            }));
        await _bus.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);

    [Fact]
    public async Task Reserve_capture_release_and_usage_answer_over_the_bus_idempotently()
    {
        var (accountId, key) = await billing.CreateFundedAccountAsync(1_000);
        var account = Guid.Parse(accountId);
        var reserve = _bus.CreateRequestClient<ReserveCredits>(TimeSpan.FromSeconds(15));

        var reserved = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t1", account, 600, 30), Cancel);
        Assert.True(reserved.Is(out Response<CreditsReserved>? first));
        Assert.Equal((600L, 400L, false), (first!.Message.Amount, first.Message.AvailableAfter, first.Message.Replayed));

        var again = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t1", account, 600, 30), Cancel);
        Assert.True(again.Is(out Response<CreditsReserved>? replay) && replay!.Message.Replayed);

        var tooMuch = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t2", account, 600, 30), Cancel);
        Assert.True(tooMuch.Is(out Response<InsufficientCredits>? insufficient));
        Assert.Equal((600L, 400L), (insufficient!.Message.Requested, insufficient.Message.Available));

        var conflict = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t1", account, 601, 30), Cancel);
        Assert.True(conflict.Is(out Response<LedgerRejected>? rejected));
        Assert.Equal(LedgerRejectionReasons.IdempotencyConflict, rejected!.Message.Reason);

        var invalid = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t3", account, 0, 30), Cancel);
        Assert.True(invalid.Is(out Response<LedgerRejected>? bad) && bad!.Message.Reason == LedgerRejectionReasons.Invalid);

        var stranger = await reserve.GetResponse<CreditsReserved, InsufficientCredits, LedgerRejected>(new ReserveCredits("t4", Guid.NewGuid(), 1, 30), Cancel);
        Assert.True(stranger.Is(out Response<LedgerRejected>? unknown) && unknown!.Message.Reason == LedgerRejectionReasons.AccountNotFound);

        var capture = _bus.CreateRequestClient<CaptureCredits>(TimeSpan.FromSeconds(15));
        var captured = await capture.GetResponse<CreditsCaptured, LedgerRejected>(new CaptureCredits("c1", account, "t1", 450), Cancel);
        Assert.True(captured.Is(out Response<CreditsCaptured>? done));
        Assert.Equal((450L, 150L), (done!.Message.Captured, done.Message.Returned));

        var release = _bus.CreateRequestClient<ReleaseCredits>(TimeSpan.FromSeconds(15));
        var late = await release.GetResponse<CreditsReleased, LedgerRejected>(new ReleaseCredits("v1", account, "t1"), Cancel);
        Assert.True(late.Is(out Response<LedgerRejected>? resolved) && resolved!.Message.Reason == LedgerRejectionReasons.ReservationAlreadyResolved);

        var usage = _bus.CreateRequestClient<RecordUsage>(TimeSpan.FromSeconds(15));
        var metered = new RecordUsage("u1", account, "tool-call", null, "run-1", 0, 0, 0, 0, 3);
        var recorded = await usage.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(metered, Cancel);
        Assert.True(recorded.Is(out Response<UsageRecorded>? charged));
        Assert.Equal((300L, true, false), (charged!.Message.Charge, charged.Message.Charged, charged.Message.Replayed));
        // Charged at the price of the first time, even when repeated.
        var repeated = await usage.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(metered, Cancel);
        Assert.True(repeated.Is(out Response<UsageRecorded>? replayedUsage) && replayedUsage!.Message.Replayed);

        var tokens = await usage.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(
            new RecordUsage("u2", account, "generation", "test-model", "run-1", 7, 0, 0, 0, 0), Cancel);
        Assert.True(tokens.Is(out Response<UsageRecorded>? tokenCharge) && tokenCharge!.Message.Charge == 14);

        Assert.Equal(1_000 - 450 - 300 - 14, await billing.AvailableAsync(accountId, key));
    }
}
