using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Messaging.Scheduling;

/// <summary>
/// Gives every consumed message a scheduler that writes to the timers table, as MassTransit's
/// delayed scheduler filter would for the broker; sagas' <c>Schedule(...)</c> then work unchanged.
/// </summary>
public sealed class DatabaseSchedulerFilter(IScheduleMessageProvider provider, IServiceProvider services) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        context.GetOrAddPayload<MessageSchedulerContext>(() =>
            new ConsumeMessageSchedulerContext(context, _ => new MessageScheduler(provider, services.GetRequiredService<IBus>().Topology)));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platform-database-scheduler");
}
