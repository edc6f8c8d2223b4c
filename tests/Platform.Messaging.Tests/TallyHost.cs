using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Messaging.Sagas;
using Platform.Messaging.Scheduling;
using Platform.Storage;

namespace Platform.Messaging.Tests;

/// <summary>A host with the tally saga on the platform's bus wiring, its saga table and timers in a real database.</summary>
public sealed class TallyHost(IHost host, ConcurrentDictionary<Guid, TallyFinished> finished) : IAsyncDisposable
{
    public const string DatabaseName = "tally";

    /// <summary>Every <see cref="TallyFinished"/> seen on the bus, by tally.</summary>
    public IReadOnlyDictionary<Guid, TallyFinished> Finished => finished;

    public IBus Bus => host.Services.GetRequiredService<IBus>();

    public static async Task<TallyHost> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceDatabase(DatabaseName, [SagaTable.Migration<TallySaga>(1), ScheduledMessages.Migration(2)]);
        builder.Services.AddBusScheduler(DatabaseName);
        var finished = new ConcurrentDictionary<Guid, TallyFinished>();
        builder.Services.AddSingleton(finished);
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddSagaStateMachine<TallyStateMachine, TallySaga>().DatabaseRepository(DatabaseName);
            bus.AddConsumer<FinishedRecorder>();
        });
        builder.AddPlatformBus();
        var host = builder.Build();
        // MassTransit keeps its log context in the caller's flow; a test that starts a second host
        // after disposing the first must point it at the new host's logger factory.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
        await host.StartAsync();
        return new TallyHost(host, finished);
    }

    public Task<TallySaga> LoadAsync(Guid id) => host.Services.GetRequiredService<ILoadSagaRepository<TallySaga>>().Load(id);

    public async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    public sealed class FinishedRecorder(ConcurrentDictionary<Guid, TallyFinished> finished) : IConsumer<TallyFinished>
    {
        public Task Consume(ConsumeContext<TallyFinished> context)
        {
            finished[context.Message.TallyId] = context.Message;
            return Task.CompletedTask;
        }
    }
}
