using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Messaging.Outbox;
using Platform.Storage;
using Xunit;

namespace Platform.Messaging.Tests;

public sealed record SubjectChanged(string Subject, int Sequence);

/// <summary>
/// The transactional outbox: a message exists exactly when its transaction committed, and the relay
/// delivers every committed message, in order per subject, even when it is stopped mid-stream.
/// </summary>
public sealed class OutboxTests
{
    public static TheoryData<string> Modes => ["distributed", "standalone"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Only_committed_messages_are_delivered_in_order_per_subject(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        using var host = await StartAsync(environment.Settings, received);

        var committed = await WriteAsync(host, subjects: 5, perSubject: 20, rollBackEvery: 4);

        await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= committed.Count, "all committed messages");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        AssertDeliveredInOrder(received, committed);
    }

    // The standalone case once lost the first messages after the restart: the relay started before
    // the in-memory bus had bound its queues, and the in-memory transport drops what it cannot route.
    // Pollers now wait for the host (and so the bus) to have started.
    [Theory]
    [InlineData("distributed")]
    [InlineData("standalone")]
    public async Task A_relay_stopped_mid_stream_loses_nothing_and_keeps_the_order(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        environment.Settings["Outbox:BatchSize"] = "10";
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        List<SubjectChanged> committed;

        using (var first = await StartAsync(environment.Settings, received))
        {
            // The first relay dies after 25 publishes, in the middle of a batch: the broker has part
            // of it, the table still has all of it.
            var breaker = new PublishBreaker(failAfter: 25);
            first.Services.GetRequiredService<IBus>().ConnectPublishObserver(breaker);
            committed = await WriteAsync(first, subjects: 4, perSubject: 100, rollBackEvery: 0);
            await WaitForAsync(() => breaker.Tripped, "the relay to fail mid-stream");
            // Let this host's consumer finish what reached the broker, so that stopping it does not
            // requeue prefetched messages (a consumer-side reorder this test is not about).
            await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= 25, "the published part to be consumed");
            await first.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.True(received.Select(r => r.MessageId).Distinct().Count() < committed.Count, "the relay should have been stopped mid-stream");
        using var second = await StartAsync(environment.Settings, received);
        try
        {
            await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= committed.Count, "the rest after restart");
        }
        catch (TimeoutException timeout)
        {
            // Says whether the rest is still in the table (the relay stalled) or left it unreceived (lost on the way).
            var database = second.Services.GetRequiredKeyedService<Database>(TallyHost.DatabaseName);
            await using var connection = await database.OpenAsync();
            var left = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {OutboxTable.Name}");
            throw new TimeoutException(
                $"{timeout.Message} Received {received.Select(r => r.MessageId).Distinct().Count()} of {committed.Count}; {left} rows still in the outbox table.", timeout);
        }

        AssertDeliveredInOrder(received, committed);
    }

    // With an ordering key the relay has many publishes outstanding at once (one subject's never
    // together); the order that matters, per subject, must hold as it does one publish at a time.
    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Keyed_messages_are_published_many_at_a_time_and_stay_in_order_per_subject(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        environment.Settings[KeyedSetting] = "true";
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        using var host = await StartAsync(environment.Settings, received);
        var inFlight = new InFlightPublishes();
        host.Services.GetRequiredService<IBus>().ConnectPublishObserver(inFlight);

        // Written before the relay may look (its lock held), so it finds them all in one batch.
        List<SubjectChanged> committed;
        await using (var pause = await PauseRelayAsync(host, mode))
        {
            committed = await WriteAsync(host, subjects: 20, perSubject: 15, rollBackEvery: 7);
        }

        await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= committed.Count, "all committed messages");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        AssertDeliveredInOrder(received, committed);
        if (mode == "distributed")
        {
            // In memory a publish is done when the call returns; on RabbitMQ it waits for its confirm.
            Assert.True(inFlight.Max > 1, $"the relay should have had several publishes outstanding (at most {inFlight.Max})");
        }
    }

    [Theory]
    [InlineData("distributed")]
    [InlineData("standalone")]
    public async Task A_relay_stopped_mid_stream_with_keyed_messages_keeps_the_order_of_each_subject(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        environment.Settings[KeyedSetting] = "true";
        environment.Settings["Outbox:BatchSize"] = "50";
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        List<SubjectChanged> committed;

        using (var first = await StartAsync(environment.Settings, received))
        {
            // Cut off after 60 publishes, in the middle of a batch with many outstanding: some subjects
            // got further than others, and what failed waits in the table with everything behind it.
            var breaker = new PublishBreaker(failAfter: 60);
            first.Services.GetRequiredService<IBus>().ConnectPublishObserver(breaker);
            committed = await WriteAsync(first, subjects: 8, perSubject: 25, rollBackEvery: 0);
            await WaitForAsync(() => breaker.Tripped, "the relay to fail mid-stream");
            await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= 60, "the published part to be consumed");
            await first.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.True(received.Select(r => r.MessageId).Distinct().Count() < committed.Count, "the relay should have been stopped mid-stream");
        using var second = await StartAsync(environment.Settings, received);
        await WaitForAsync(() => received.Select(r => r.MessageId).Distinct().Count() >= committed.Count, "the rest after restart");
        AssertDeliveredInOrder(received, committed);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_consumer_continues_the_trace_of_the_transaction_that_wrote_the_message(string mode)
    {
        await using var environment = await TestEnvironment.CreateAsync(mode);
        using var source = new ActivitySource("Platform.Messaging.Tests.Outbox");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MassTransit" or "Platform.Messaging" || s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        using var host = await StartAsync(environment.Settings, received);
        var traces = host.Services.GetRequiredService<ConsumedTraces>();

        ActivityTraceId writerTrace;
        Guid messageId;
        using (var writer = source.StartActivity("change subject"))
        {
            writerTrace = writer!.TraceId;
            var database = host.Services.GetRequiredKeyedService<Database>(TallyHost.DatabaseName);
            await using var connection = await database.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            messageId = await host.Services.GetRequiredService<TransactionalOutbox>()
                .PublishAsync(new SubjectChanged("traced", 1), connection, transaction, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await WaitForAsync(() => traces.ContainsKey(messageId), "the traced message");
        Assert.Equal(writerTrace.ToString(), traces[messageId]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Two_services_in_one_host_each_relay_their_own_outbox(string mode)
    {
        // Standalone hosts every module in one process: each service's messages are written in its
        // own database (the one its state change commits in) and must be relayed from there.
        await using var environment = await TestEnvironment.CreateAsync(mode);
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        using var host = await StartAsync(environment.Settings, received, SecondDatabase);
        var outbox = host.Services.GetRequiredService<TransactionalOutbox>();

        var ids = new List<Guid>();
        foreach (var name in new[] { TallyHost.DatabaseName, SecondDatabase })
        {
            var database = host.Services.GetRequiredKeyedService<Database>(name);
            await using var connection = await database.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            ids.Add(await outbox.PublishAsync(new SubjectChanged(name, 1), connection, transaction, CancellationToken.None));
            await transaction.CommitAsync();
        }

        await WaitForAsync(() => ids.All(id => received.Any(r => r.MessageId == id)), "a message from each database");
        Assert.Equal([TallyHost.DatabaseName, SecondDatabase], received.Select(r => r.Event.Subject).Order());
    }

    private const string SecondDatabase = "tally-second";

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_request_written_to_the_outbox_is_sent_to_its_queue_and_answered_to_its_response_address(string mode)
    {
        // A saga's command to another service (reserve credits, check a prompt) must survive a crash
        // after the saga's commit too: it goes through the outbox with the request id and reply address
        // that MassTransit's request client would have set.
        await using var environment = await TestEnvironment.CreateAsync(mode);
        var received = new ConcurrentQueue<(Guid MessageId, SubjectChanged Event)>();
        using var host = await StartAsync(environment.Settings, received);
        var outbox = host.Services.GetRequiredService<TransactionalOutbox>();
        var answers = host.Services.GetRequiredService<ConsumedTraces>();

        var requestId = Guid.NewGuid();
        var database = host.Services.GetRequiredKeyedService<Database>(TallyHost.DatabaseName);
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.PublishAsync(
                new Ping("hello"),
                new OutboxAddressing
                {
                    Destination = new Uri("queue:ping-responder"),
                    RequestId = requestId,
                    ResponseAddress = new Uri("queue:pong-recorder"),
                },
                connection,
                transaction,
                CancellationToken.None);
            await transaction.CommitAsync();
        }

        await WaitForAsync(() => answers.ContainsKey(requestId), "the answer at the response address");
        Assert.Equal("pong: hello", answers[requestId]);
    }

    public sealed record Ping(string Text);

    public sealed record Pong(string Text);

    /// <summary>Answers a <see cref="Ping"/> the way every platform responder answers a request.</summary>
    public sealed class PingResponder : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context) => context.RespondAsync(new Pong("pong: " + context.Message.Text));
    }

    /// <summary>Stands for the requester's endpoint: records answers by request id.</summary>
    public sealed class PongRecorder(ConsumedTraces answers) : IConsumer<Pong>
    {
        public Task Consume(ConsumeContext<Pong> context)
        {
            answers[context.RequestId ?? Guid.Empty] = context.Message.Text;
            return Task.CompletedTask;
        }
    }

    private static void AssertDeliveredInOrder(
        ConcurrentQueue<(Guid MessageId, SubjectChanged Event)> received, List<SubjectChanged> committed)
    {
        // At least once: a repeat carries the same message id and is dropped, as a receiver would.
        var firstDeliveries = received.DistinctBy(r => r.MessageId).Select(r => r.Event).ToList();
        Assert.Equal(committed.OrderBy(e => e.Subject).ThenBy(e => e.Sequence), firstDeliveries.OrderBy(e => e.Subject).ThenBy(e => e.Sequence));
        foreach (var subject in firstDeliveries.GroupBy(e => e.Subject))
        {
            var sequences = subject.Select(e => e.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    /// <summary>Writes events in their own transactions, rolling back every n-th; returns the committed ones.</summary>
    private static async Task<List<SubjectChanged>> WriteAsync(IHost host, int subjects, int perSubject, int rollBackEvery)
    {
        var database = host.Services.GetRequiredKeyedService<Database>(TallyHost.DatabaseName);
        var outbox = host.Services.GetRequiredService<TransactionalOutbox>();
        var committed = new List<SubjectChanged>();
        var count = 0;
        for (var sequence = 1; sequence <= perSubject; sequence++)
        {
            for (var subject = 0; subject < subjects; subject++)
            {
                var message = new SubjectChanged($"subject-{subject}", sequence);
                await using var connection = await database.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await outbox.PublishAsync(message, connection, transaction, CancellationToken.None);
                if (rollBackEvery > 0 && ++count % rollBackEvery == 0)
                {
                    await transaction.RollbackAsync();
                    continue;
                }

                await transaction.CommitAsync();
                committed.Add(message);
            }
        }

        return committed;
    }

    private static async Task<IHost> StartAsync(
        IDictionary<string, string?> settings, ConcurrentQueue<(Guid MessageId, SubjectChanged Event)> received, string? secondOutbox = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceDatabase(TallyHost.DatabaseName, [OutboxTable.Migration(1)]);
        var batchSize = int.TryParse(settings.TryGetValue("Outbox:BatchSize", out var size) ? size : null, out var batch) ? batch : 500;
        builder.Services.AddBusOutbox(TallyHost.DatabaseName, outbox => outbox.BatchSize = batchSize);
        if (settings.TryGetValue(KeyedSetting, out var keyed) && keyed == "true")
        {
            builder.Services.AddOutboxOrderingKey<SubjectChanged>(message => message.Subject);
        }
        if (secondOutbox is not null)
        {
            builder.AddServiceDatabase(secondOutbox, [OutboxTable.Migration(1)]);
            builder.Services.AddBusOutbox(secondOutbox);
        }

        builder.Services.AddSingleton(received);
        builder.Services.AddSingleton<ConsumedTraces>();
        // One message at a time on the receive endpoint, not only in the consumer: with a prefetch of
        // 32 a consumer-level limit lets two deliveries race to its semaphore and swap places.
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<Recorder>().Endpoint(e => e.ConcurrentMessageLimit = 1);
            bus.AddConsumer<PingResponder>().Endpoint(e => e.Name = "ping-responder");
            bus.AddConsumer<PongRecorder>().Endpoint(e => e.Name = "pong-recorder");
        });
        builder.AddPlatformBus();
        var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
        await host.StartAsync();
        return host;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    // Test-only setting read by StartAsync: order SubjectChanged messages by subject in the outbox.
    private const string KeyedSetting = "Test:KeyedBySubject";

    /// <summary>
    /// Holds the relay off until disposed (PostgreSQL: the relay's advisory lock, on another connection),
    /// so it then finds every row written meanwhile in one batch.
    /// </summary>
    private static async Task<IAsyncDisposable> PauseRelayAsync(IHost host, string mode)
    {
        var database = host.Services.GetRequiredKeyedService<Database>(TallyHost.DatabaseName);
        if (mode != "distributed")
        {
            // SQLite: one relay per process and no lock to hold from outside (and in memory nothing is outstanding anyway).
            return new Releaser(() => ValueTask.CompletedTask);
        }

        var connection = await database.OpenAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = OutboxRelay.RelayLockKey });
        return new Releaser(async () =>
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = OutboxRelay.RelayLockKey });
            await connection.DisposeAsync();
        });
    }

    private sealed class Releaser(Func<ValueTask> release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => release();
    }

    /// <summary>The most publishes that were started and not yet confirmed at one time.</summary>
    private sealed class InFlightPublishes : IPublishObserver
    {
        private int _current;
        private int _max;

        public int Max => Volatile.Read(ref _max);

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class
        {
            var current = Interlocked.Increment(ref _current);
            int max;
            while (current > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, current, max) != max)
            {
            }

            return Task.CompletedTask;
        }

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            Interlocked.Decrement(ref _current);
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class
        {
            Interlocked.Decrement(ref _current);
            return Task.CompletedTask;
        }
    }

    /// <summary>Fails every publish after the first <c>failAfter</c>, as a relay losing its broker would.</summary>
    private sealed class PublishBreaker(int failAfter) : IPublishObserver
    {
        private int _count;

        public bool Tripped => Volatile.Read(ref _count) > failAfter;

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class =>
            Interlocked.Increment(ref _count) > failAfter
                ? throw new InvalidOperationException("relay cut off (test)")
                : Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    /// <summary>The trace id each consumed message ran under, by message id.</summary>
    public sealed class ConsumedTraces : ConcurrentDictionary<Guid, string>;

    public sealed class Recorder(ConcurrentQueue<(Guid MessageId, SubjectChanged Event)> received, ConsumedTraces traces) : IConsumer<SubjectChanged>
    {
        public Task Consume(ConsumeContext<SubjectChanged> context)
        {
            traces[context.MessageId!.Value] = Activity.Current?.TraceId.ToString() ?? "(no activity)";
            received.Enqueue((context.MessageId!.Value, context.Message));
            return Task.CompletedTask;
        }
    }
}
