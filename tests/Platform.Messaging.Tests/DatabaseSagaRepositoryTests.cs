using Platform.Testing;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>
/// The saga repository and scheduler on both engines: PostgreSQL behind RabbitMQ (distributed mode)
/// and SQLite behind the in-memory bus (standalone mode).
/// </summary>
public sealed class DatabaseSagaRepositoryTests
{
    public static TheoryData<string> Modes => ["distributed", "standalone"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Concurrent_events_on_many_sagas_lose_no_update(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        await using var host = await TallyHost.StartAsync(environment.Settings);
        const int sagas = 100;
        const int additionsPerSaga = 5;
        var ids = Enumerable.Range(0, sagas).Select(_ => Guid.NewGuid()).ToList();

        // The starts go first; the additions then race with each other (five concurrent updates per
        // saga) and with any start still in flight. Versioned updates plus retries must serialise them.
        await Task.WhenAll(ids.Select(id => host.Bus.Publish(new StartTally(id, additionsPerSaga, DeadlineMs: 60_000))));
        await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(1, additionsPerSaga).Select(amount => host.Bus.Publish(new AddToTally(id, amount)))));

        await host.WaitForAsync(() => host.Finished.Count == sagas, TimeSpan.FromSeconds(60), $"{sagas} tallies to finish");
        foreach (var id in ids)
        {
            var finished = host.Finished[id];
            Assert.False(finished.TimedOut);
            Assert.Equal(1 + 2 + 3 + 4 + 5, finished.Total);
            var saga = await host.LoadAsync(id);
            Assert.Equal("Done", saga.CurrentState);
            Assert.Equal(additionsPerSaga, saga.Additions);
            Assert.Null(saga.DeadlineToken);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_scheduled_deadline_fires_and_an_unscheduled_one_does_not(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        await using var host = await TallyHost.StartAsync(environment.Settings);
        var expiring = Guid.NewGuid();
        var completing = Guid.NewGuid();

        await host.Bus.Publish(new StartTally(expiring, Target: 3, DeadlineMs: 500));
        await host.Bus.Publish(new StartTally(completing, Target: 1, DeadlineMs: 1500));
        await host.WaitForAsync(() => host.Finished.ContainsKey(expiring), TimeSpan.FromSeconds(15), "the deadline");
        await host.Bus.Publish(new AddToTally(completing, 7));
        await host.WaitForAsync(() => host.Finished.ContainsKey(completing), TimeSpan.FromSeconds(15), "the completion");
        // Past the cancelled deadline: it must not have turned the finished tally into a timed-out one.
        await Task.Delay(2000, TestContext.Current.CancellationToken);

        Assert.True(host.Finished[expiring].TimedOut);
        Assert.Equal("TimedOut", (await host.LoadAsync(expiring)).CurrentState);
        Assert.False(host.Finished[completing].TimedOut);
        Assert.Equal("Done", (await host.LoadAsync(completing)).CurrentState);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Saga_state_and_timers_survive_a_restart(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        var id = Guid.NewGuid();
        await using (var first = await TallyHost.StartAsync(environment.Settings))
        {
            await first.Bus.Publish(new StartTally(id, Target: 2, DeadlineMs: 3000));
            await first.Bus.Publish(new AddToTally(id, 5));
            await first.WaitForAsync(() => first.LoadAsync(id).Result is { Additions: 1 }, TimeSpan.FromSeconds(15), "the first addition");
        }

        // A new process (host) on the same database carries on: the saga's state and its pending deadline.
        await using var second = await TallyHost.StartAsync(environment.Settings);
        await second.WaitForAsync(() => second.Finished.ContainsKey(id), TimeSpan.FromSeconds(20), "the deadline after restart");

        Assert.True(second.Finished[id].TimedOut);
        Assert.Equal(5, second.Finished[id].Total);
    }
}
